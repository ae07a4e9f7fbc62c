package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Ingress is towards the application, egress from it; stream = each stream, pod = all together. */
public class ByteRateSpec extends UnknownFields {

    @JsonPropertyDescription("Per stream, towards the application.")
    private Bucket streamIngress;

    @JsonPropertyDescription("Per stream, from the application.")
    private Bucket streamEgress;

    @JsonPropertyDescription("All streams of this scope in the pod, towards the application.")
    private Bucket podIngress;

    @JsonPropertyDescription("All streams of this scope in the pod, from the application.")
    private Bucket podEgress;

    public Bucket getStreamIngress() {
        return streamIngress;
    }

    public void setStreamIngress(Bucket streamIngress) {
        this.streamIngress = streamIngress;
    }

    public Bucket getStreamEgress() {
        return streamEgress;
    }

    public void setStreamEgress(Bucket streamEgress) {
        this.streamEgress = streamEgress;
    }

    public Bucket getPodIngress() {
        return podIngress;
    }

    public void setPodIngress(Bucket podIngress) {
        this.podIngress = podIngress;
    }

    public Bucket getPodEgress() {
        return podEgress;
    }

    public void setPodEgress(Bucket podEgress) {
        this.podEgress = podEgress;
    }
}
