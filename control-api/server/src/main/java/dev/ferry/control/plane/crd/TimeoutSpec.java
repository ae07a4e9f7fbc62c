package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Durations are strings with a unit: 250ms, 30s, 5m, 1h (or combined, 1m30s). */
public class TimeoutSpec extends UnknownFields {

    @JsonPropertyDescription("From SYN to an established connection.")
    private String handshake;

    @JsonPropertyDescription("No byte either way for this long closes the stream.")
    private String idle;

    @JsonPropertyDescription("Interval between keepalive probes of an idle stream.")
    private String keepaliveInterval;

    @JsonPropertyDescription("Unanswered keepalive probes before the stream is aborted.")
    private Integer keepaliveProbes;

    @JsonPropertyDescription("Streams older than this are drained and closed.")
    private String maxLifetime;

    @JsonPropertyDescription("Time a draining stream gets before it is reset.")
    private String drain;

    public String getHandshake() {
        return handshake;
    }

    public void setHandshake(String handshake) {
        this.handshake = handshake;
    }

    public String getIdle() {
        return idle;
    }

    public void setIdle(String idle) {
        this.idle = idle;
    }

    public String getKeepaliveInterval() {
        return keepaliveInterval;
    }

    public void setKeepaliveInterval(String keepaliveInterval) {
        this.keepaliveInterval = keepaliveInterval;
    }

    public Integer getKeepaliveProbes() {
        return keepaliveProbes;
    }

    public void setKeepaliveProbes(Integer keepaliveProbes) {
        this.keepaliveProbes = keepaliveProbes;
    }

    public String getMaxLifetime() {
        return maxLifetime;
    }

    public void setMaxLifetime(String maxLifetime) {
        this.maxLifetime = maxLifetime;
    }

    public String getDrain() {
        return drain;
    }

    public void setDrain(String drain) {
        this.drain = drain;
    }
}
