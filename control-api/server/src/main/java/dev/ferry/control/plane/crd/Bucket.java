package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A token bucket: refills at ratePerSecond up to burst. */
public class Bucket extends UnknownFields {

    @JsonPropertyDescription("Refill rate per second (>= 0).")
    private long ratePerSecond;

    @JsonPropertyDescription("Bucket size (> 0 when the rate is > 0).")
    private long burst;

    public Bucket() {}

    public Bucket(long ratePerSecond, long burst) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
    }

    public long getRatePerSecond() {
        return ratePerSecond;
    }

    public void setRatePerSecond(long ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    public long getBurst() {
        return burst;
    }

    public void setBurst(long burst) {
        this.burst = burst;
    }
}
