package dev.ferry.testkit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names for resources the kit creates. Each holds this JVM's process id, so two runs on one machine
 * never collide, and a sweep can tell a dead run's leftovers from a live run's resources.
 */
public final class Names {
    /** Prefix of every namespace the kit creates: {@code ferry-t-<pid>-<n>[-label]}. */
    public static final String NAMESPACE_PREFIX = "ferry-t-";
    /** Prefix of interfaces created in the initial namespace: {@code ft<pid>x<n>} (IFNAMSIZ is 16). */
    public static final String INTERFACE_PREFIX = "ft";

    static final Pattern NAMESPACE = Pattern.compile("^ferry-t-(\\d+)-\\d+.*$");
    static final Pattern INTERFACE = Pattern.compile("^ft(\\d+)x\\d+$");

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();

    private Names() {}

    /** A fresh namespace name; {@code label} (letters, digits, dashes) only helps a human reading. */
    public static String namespace(String label) {
        String clean = label == null ? "" : label.replaceAll("[^A-Za-z0-9-]", "");
        String base = NAMESPACE_PREFIX + PID + "-" + SEQUENCE.incrementAndGet();
        return clean.isEmpty() ? base : base + "-" + clean;
    }

    /** A fresh interface name that fits IFNAMSIZ, for interfaces living in the initial namespace. */
    public static String rootInterface() {
        return INTERFACE_PREFIX + PID + "x" + SEQUENCE.incrementAndGet();
    }

    /** The process id a kit-made name belongs to, or -1 when the name is not the kit's. */
    static long ownerPid(Pattern pattern, String name) {
        Matcher m = pattern.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
