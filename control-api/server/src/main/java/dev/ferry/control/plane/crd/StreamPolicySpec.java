package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

public class StreamPolicySpec extends UnknownFields {

    @JsonPropertyDescription("Pods of this namespace the policy applies to. Empty selects every pod.")
    private LabelSelector podSelector;

    @JsonPropertyDescription(
            "Merge precedence when several policies select a pod: higher first, then namespace/name order.")
    private Integer priority;

    @JsonPropertyDescription("Per listener port rules.")
    private List<PortRules> ports = new ArrayList<>();

    public LabelSelector getPodSelector() {
        return podSelector;
    }

    public void setPodSelector(LabelSelector podSelector) {
        this.podSelector = podSelector;
    }

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        this.priority = priority;
    }

    public List<PortRules> getPorts() {
        return ports;
    }

    public void setPorts(List<PortRules> ports) {
        this.ports = ports;
    }
}
