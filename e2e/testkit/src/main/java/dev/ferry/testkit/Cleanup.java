package dev.ferry.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Guarantees that what the kit creates goes away. Each resource registers an undo action when it is
 * created and unregisters it when closed normally; a JVM shutdown hook runs what is left (newest
 * first), and {@link #sweepStale()} removes what a killed JVM could not (namespaces and interfaces
 * named after a process that no longer exists).
 */
public final class Cleanup {
    /** A pending undo action; {@link #run()} is idempotent. */
    public static final class Action {
        private final String what;
        private final Runnable undo;
        private boolean done;

        private Action(String what, Runnable undo) {
            this.what = what;
            this.undo = undo;
        }

        /** Runs the undo action once and forgets it. */
        public void run() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            unregister(this);
            undo.run();
        }

        @Override
        public String toString() {
            return what;
        }
    }

    private static final Deque<Action> PENDING = new ArrayDeque<>();
    private static boolean hookInstalled;
    private static boolean swept;

    private Cleanup() {}

    /** Registers {@code undo} to run at close or, failing that, at JVM exit. */
    public static synchronized Action register(String what, Runnable undo) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::runAll, "ferry-testkit-cleanup"));
            hookInstalled = true;
        }
        Action action = new Action(what, undo);
        PENDING.push(action);
        return action;
    }

    private static synchronized void unregister(Action action) {
        PENDING.remove(action);
    }

    /** Resources still open (for tests of the kit and for leak reports). */
    public static synchronized List<String> pending() {
        return PENDING.stream().map(Action::toString).toList();
    }

    private static void runAll() {
        while (true) {
            Action next;
            synchronized (Cleanup.class) {
                next = PENDING.peek();
            }
            if (next == null) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                System.err.println("ferry-testkit: cleanup of " + next + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * Removes namespaces and initial-namespace interfaces left by kit users whose process is gone.
     * Runs once per JVM, before the first resource is created; a live run's resources are kept.
     */
    public static synchronized List<String> sweepStale() {
        if (swept) {
            return List.of();
        }
        swept = true;
        List<String> removed = new ArrayList<>();
        Path netns = Path.of("/run/netns");
        if (Files.isDirectory(netns)) {
            try (var entries = Files.list(netns)) {
                for (Path p : entries.toList()) {
                    String name = p.getFileName().toString();
                    if (isStale(Names.ownerPid(Names.NAMESPACE, name))
                            && Cmd.exec(List.of("ip", "netns", "del", name), null)
                                    .ok()) {
                        removed.add("netns " + name);
                    }
                }
            } catch (java.io.IOException e) {
                // Nothing to sweep if the directory cannot be read; creating resources will say why.
            }
        }
        Cmd.Result links = Cmd.exec(List.of("ip", "-o", "link", "show"), null);
        if (links.ok()) {
            for (String line : links.stdout().split("\n")) {
                String[] fields = line.split(":\\s+", 3);
                if (fields.length < 2) {
                    continue;
                }
                String name = fields[1].split("@")[0];
                if (isStale(Names.ownerPid(Names.INTERFACE, name))
                        && Cmd.exec(List.of("ip", "link", "del", name), null).ok()) {
                    removed.add("link " + name);
                }
            }
        }
        if (!removed.isEmpty()) {
            System.err.println("ferry-testkit: removed leftovers of dead runs: " + removed);
        }
        return removed;
    }

    private static boolean isStale(long pid) {
        return pid > 0
                && pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).isEmpty();
    }
}
