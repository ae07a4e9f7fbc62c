package dev.ferry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Preconditions of system tests. A test that cannot run FAILS with the reason (never skips): a
 * green build must mean the tests ran.
 */
public final class Tools {
    private Tools() {}

    /** Fails unless every named executable is on the PATH (or is an existing absolute path). */
    public static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (find(tool) == null) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("this test needs " + String.join(", ", missing)
                    + " on the PATH; install the test tools with ./ferry deps (as root)");
        }
    }

    /** Fails unless the process runs as root (namespaces, veth, nftables and AF_PACKET need it). */
    public static void requireRoot() {
        if (!isRoot()) {
            throw new AssertionError("this test needs root (network namespaces, veth pairs, nftables,"
                    + " AF_PACKET); run the build as root or in a container with CAP_NET_ADMIN and CAP_NET_RAW");
        }
    }

    /** Whether the effective user id is 0. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** The path of an executable, or null when it is not installed. */
    public static Path find(String tool) {
        if (tool.contains("/")) {
            Path p = Path.of(tool);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
