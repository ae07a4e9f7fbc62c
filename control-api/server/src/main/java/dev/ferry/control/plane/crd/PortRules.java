package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

public class PortRules extends Rules {

    @Required
    @JsonPropertyDescription("Listener port (1..65535).")
    private int port;

    @JsonPropertyDescription("Refinements for peers inside a CIDR; the longest matching prefix wins.")
    private List<PeerRules> peers = new ArrayList<>();

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public List<PeerRules> getPeers() {
        return peers;
    }

    public void setPeers(List<PeerRules> peers) {
        this.peers = peers;
    }
}
