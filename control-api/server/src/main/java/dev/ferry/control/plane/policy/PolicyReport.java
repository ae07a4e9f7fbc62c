package dev.ferry.control.plane.policy;

import java.util.List;

/**
 * The status of one policy as the control plane sees it: its verdict and how the sidecars it
 * selects took it. Written into the StreamPolicy status and served on {@code /policies}.
 *
 * @param problems why the latest version was rejected (empty when accepted)
 * @param selected connected sidecars the accepted version selects
 * @param acked of those, sidecars whose running version includes this policy
 * @param nacked of those, sidecars that NACKed the last push including it
 * @param nackReasons distinct reasons, each prefixed with one pod ("ns/pod: reason")
 * @param conflicts why a merge including this policy could not be pushed to some pod
 */
public record PolicyReport(
        String key,
        long generation,
        boolean accepted,
        List<String> problems,
        int selected,
        int acked,
        int nacked,
        List<String> nackReasons,
        List<String> conflicts) {}
