package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The knobs shared by a port and a peer CIDR; unset inherits. */
public abstract class Rules extends UnknownFields {

    @JsonPropertyDescription("Peer CIDRs allowed to connect; empty allows every peer not denied.")
    private List<String> allow = new ArrayList<>();

    @JsonPropertyDescription("Peer CIDRs refused; checked before allow.")
    private List<String> deny = new ArrayList<>();

    @JsonPropertyDescription("Maximum concurrent connections.")
    private Long maxConnections;

    @JsonPropertyDescription("New connections per second (token bucket).")
    private Bucket newConnectionRate;

    @JsonPropertyDescription("Byte-rate limits in bytes per second (token buckets).")
    private ByteRateSpec byteRates;

    @JsonPropertyDescription("Stream timeouts as durations such as 500ms, 30s, 5m, 1h.")
    private TimeoutSpec timeouts;

    @JsonPropertyDescription("Congestion control: newreno or cubic.")
    private String congestionControl;

    public List<String> getAllow() {
        return allow;
    }

    public void setAllow(List<String> allow) {
        this.allow = allow;
    }

    public List<String> getDeny() {
        return deny;
    }

    public void setDeny(List<String> deny) {
        this.deny = deny;
    }

    public Long getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Long maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Bucket getNewConnectionRate() {
        return newConnectionRate;
    }

    public void setNewConnectionRate(Bucket newConnectionRate) {
        this.newConnectionRate = newConnectionRate;
    }

    public ByteRateSpec getByteRates() {
        return byteRates;
    }

    public void setByteRates(ByteRateSpec byteRates) {
        this.byteRates = byteRates;
    }

    public TimeoutSpec getTimeouts() {
        return timeouts;
    }

    public void setTimeouts(TimeoutSpec timeouts) {
        this.timeouts = timeouts;
    }

    public String getCongestionControl() {
        return congestionControl;
    }

    public void setCongestionControl(String congestionControl) {
        this.congestionControl = congestionControl;
    }
}
