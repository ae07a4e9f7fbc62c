package dev.ferry.control.plane.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the control plane made of a policy. Conditions: {@code Accepted} (valid; message lists the
 * problems when not), {@code Applied} (every selected connected sidecar ACKed).
 */
public class StreamPolicyStatus {

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Connected sidecars this policy currently selects.")
    private int selectedSidecars;

    @JsonPropertyDescription("Of those, sidecars running a policy version that includes this policy.")
    private int ackedSidecars;

    @JsonPropertyDescription("Of those, sidecars whose last push including this policy was NACKed.")
    private int nackedSidecars;

    @JsonPropertyDescription("NACK reasons, one per distinct reason, prefixed with one pod name.")
    private List<String> nackReasons = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public int getSelectedSidecars() {
        return selectedSidecars;
    }

    public void setSelectedSidecars(int selectedSidecars) {
        this.selectedSidecars = selectedSidecars;
    }

    public int getAckedSidecars() {
        return ackedSidecars;
    }

    public void setAckedSidecars(int ackedSidecars) {
        this.ackedSidecars = ackedSidecars;
    }

    public int getNackedSidecars() {
        return nackedSidecars;
    }

    public void setNackedSidecars(int nackedSidecars) {
        this.nackedSidecars = nackedSidecars;
    }

    public List<String> getNackReasons() {
        return nackReasons;
    }

    public void setNackReasons(List<String> nackReasons) {
        this.nackReasons = nackReasons;
    }
}
