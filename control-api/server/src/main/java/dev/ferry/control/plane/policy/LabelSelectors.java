package dev.ferry.control.plane.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kubernetes label-selector semantics: matchLabels AND every matchExpression; empty matches all. */
public final class LabelSelectors {

    private LabelSelectors() {}

    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> required : selector.getMatchLabels().entrySet()) {
                if (!required.getValue().equals(labels.get(required.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement expression : selector.getMatchExpressions()) {
                if (!matches(expression, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false; // refused by problems(): never reached for an accepted policy
        };
    }

    /** What is wrong with a selector, as the API server would say it. */
    static List<String> problems(LabelSelector selector) {
        List<String> out = new ArrayList<>();
        if (selector.getMatchExpressions() == null) {
            return out;
        }
        for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
            LabelSelectorRequirement r = selector.getMatchExpressions().get(i);
            String path = "spec.podSelector.matchExpressions[" + i + "]";
            String op = r.getOperator() == null ? "" : r.getOperator();
            int values = r.getValues() == null ? 0 : r.getValues().size();
            switch (op) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        out.add(path + ".values: must be non-empty for " + op);
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values != 0) {
                        out.add(path + ".values: must be empty for " + op);
                    }
                }
                default -> out.add(path + ".operator: unknown operator '" + op + "'");
            }
        }
        return out;
    }
}
