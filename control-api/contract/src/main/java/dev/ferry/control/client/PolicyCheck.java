package dev.ferry.control.client;

import dev.ferry.control.v1.Policy;
import java.util.List;

/**
 * Extra checks of the embedding sidecar (for example features this build cannot enforce), run
 * after the shared {@link dev.ferry.control.policy.PolicyValidator}. A non-empty answer NACKs the
 * version with these messages as the reason.
 */
@FunctionalInterface
public interface PolicyCheck {
    List<String> problems(Policy policy);

    PolicyCheck NONE = policy -> List.of();
}
