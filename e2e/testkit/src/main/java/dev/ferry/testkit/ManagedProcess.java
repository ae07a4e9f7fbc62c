package dev.ferry.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process owned by a test: started (optionally inside a {@link NetNs}) with stdout and
 * stderr captured to one log file, waited on for a line or a listening port, and killed with its
 * descendants on {@link #close()}. Every failure message carries the tail of the log, so a broken
 * peer explains itself in the test report.
 */
public final class ManagedProcess implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int TAIL_CHARS = 4000;

    private final String label;
    private final List<String> command;
    private final Process process;
    private final Path log;
    private final Cleanup.Action kill;

    private ManagedProcess(String label, List<String> command, Process process, Path log) {
        this.label = label;
        this.command = command;
        this.process = process;
        this.log = log;
        this.kill = Cleanup.register("process " + label + " (pid " + process.pid() + ")", this::killTree);
    }

    /** Starts describing a process that runs {@code command}. */
    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    /** Starts describing a process that runs {@code command}. */
    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /** How to start a {@link ManagedProcess}. */
    public static final class Builder {
        private final List<String> command;
        private NetNs ns;
        private String label;
        private Path logDirectory = Path.of("target", "testkit-logs");
        private final Map<String, String> environment = new HashMap<>();

        private Builder(List<String> command) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
            this.command = List.copyOf(command);
        }

        /** Runs the process inside {@code ns} (through {@code ip netns exec}). */
        public Builder in(NetNs ns) {
            this.ns = ns;
            return this;
        }

        /** A short name for logs and failure messages (default: the executable's name). */
        public Builder label(String label) {
            this.label = label;
            return this;
        }

        /** Where the log file goes (default {@code target/testkit-logs}). */
        public Builder logDirectory(Path directory) {
            this.logDirectory = directory;
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Starts the process; fails with a clear message when the executable is missing. */
        public ManagedProcess start() {
            Tools.require(command.getFirst());
            String name = label != null
                    ? label
                    : Path.of(command.getFirst()).getFileName().toString();
            List<String> full = ns == null ? command : Cmd.concat(ns.prefix(), command.toArray(String[]::new));
            try {
                Files.createDirectories(logDirectory);
                Path log = logDirectory.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                        + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + ".log");
                ProcessBuilder builder = new ProcessBuilder(full)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(
                                Path.of("/dev/null").toFile()));
                builder.environment().putAll(environment);
                return new ManagedProcess(name, full, builder.start(), log);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + name + " (" + String.join(" ", full) + "): " + e, e);
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far (stdout and stderr interleaved). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    /** Waits until a line of output matches {@code regex} and returns the matcher of that line. */
    public Matcher awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : output().split("\n")) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            checkStillWaiting(deadline, "a line matching /" + regex + "/");
        }
    }

    /** Waits until the process (or a descendant) listens on TCP {@code port} in its namespace. */
    public void awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listening(port)) {
            checkStillWaiting(deadline, "a TCP listener on port " + port);
        }
    }

    private boolean listening(int port) {
        // /proc/<pid>/net/* shows the sockets of the process's own network namespace.
        String hexPort = String.format(":%04X", port);
        for (String file : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "net", file))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private void checkStillWaiting(long deadlineNs, String what) {
        if (!process.isAlive()) {
            throw new AssertionError(
                    label + " exited with " + process.exitValue() + " before printing " + what + describeTail());
        }
        if (System.nanoTime() - deadlineNs > 0) {
            throw new AssertionError("timed out waiting for " + what + " from " + label + describeTail());
        }
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits for the process to exit and returns its exit code; fails (and kills it) on timeout. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError(label + " still running after " + timeout + describeTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The command line, the log file and the tail of the output, for failure messages. */
    public String describeTail() {
        String out = output();
        String tail = out.length() > TAIL_CHARS ? "..." + out.substring(out.length() - TAIL_CHARS) : out;
        return "\n  command: " + String.join(" ", command) + "\n  log: " + log.toAbsolutePath() + "\n  output:\n"
                + tail.indent(4);
    }

    private void killTree() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle h : all) {
            long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                h.onExit().get(leftMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    /** Kills the process and its descendants (TERM, then KILL after 2 s). Idempotent. */
    @Override
    public void close() {
        kill.run();
    }
}
