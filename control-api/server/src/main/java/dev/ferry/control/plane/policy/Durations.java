package dev.ferry.control.plane.policy;

/** Parses Kubernetes-style durations ("250ms", "30s", "5m", "1h", "1m30s") into milliseconds. */
final class Durations {

    private Durations() {}

    /** Milliseconds, or throws {@link IllegalArgumentException} with a readable message. */
    static long parseMs(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        long totalMs = 0;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            if (start == i || i - start > 12) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 30s, 5m, 1h)");
            }
            long amount = Long.parseLong(text, start, i, 10);
            int unitStart = i;
            while (i < text.length() && Character.isLetter(text.charAt(i))) {
                i++;
            }
            long unitMs = switch (text.substring(unitStart, i)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> throw new IllegalArgumentException("'" + text + "' has no valid unit (use ms, s, m or h)");
            };
            totalMs = Math.addExact(totalMs, Math.multiplyExact(amount, unitMs));
        }
        return totalMs;
    }
}
