package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

public class PeerRules extends Rules {

    @Required
    @JsonPropertyDescription("Peer CIDR such as 10.1.0.0/16; host bits must be zero.")
    private String cidr;

    public String getCidr() {
        return cidr;
    }

    public void setCidr(String cidr) {
        this.cidr = cidr;
    }
}
