package dev.ferry.sidecar.serve;

import dev.ferry.sidecar.cli.Args;
import java.util.Locale;

/** What {@code ferry serve} does with the bytes of each stream. */
enum ServeMode {
    ECHO,
    HTTP,
    DISCARD,
    /** Replies to sockperf's clients the way {@code sockperf server} does. */
    SOCKPERF;

    static ServeMode parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("serve: --mode must be echo, http, discard or sockperf, not '" + s + "'");
        }
    }
}
