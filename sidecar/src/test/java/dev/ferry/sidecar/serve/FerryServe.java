package dev.ferry.sidecar.serve;

import dev.ferry.sidecar.cli.Main;
import dev.ferry.testkit.Cmd;
import dev.ferry.testkit.ManagedProcess;
import dev.ferry.testkit.NetNs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ferry serve} as a user runs it: a child JVM (this test's class path) inside the pod
 * namespace, printing a counter line every 100 ms that the test reads back.
 */
final class FerryServe implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern FLOWS = Pattern.compile("^flows (\\d+) \\(time-wait (\\d+)\\) \\|");
    private static final Pattern RETRANSMITS = Pattern.compile("retransmits (\\d+),");

    private final ManagedProcess process;

    private FerryServe(ManagedProcess process) {
        this.process = process;
    }

    /** The command line that runs {@code ferry <argv>} in a JVM like the launcher's. */
    static List<String> command(String... argv) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(argv));
        return command;
    }

    /** Starts {@code ferry serve --interface veth0 --port P} plus {@code options} in the pod namespace. */
    static FerryServe start(PodNet net, int port, String... options) {
        return start(net.pod, port, options);
    }

    static FerryServe start(NetNs pod, int port, String... options) {
        List<String> argv = new ArrayList<>(
                List.of("serve", "--interface", PodNet.POD_IF, "--port", Integer.toString(port), "--stats-ms", "100"));
        argv.addAll(List.of(options));
        ManagedProcess p = ManagedProcess.builder(command(argv.toArray(String[]::new)))
                .in(pod)
                .label("ferry-serve-" + port)
                .start();
        try {
            // The whole line: the log may hold a half-written one.
            p.awaitLine("^ferry serve: listening on .*\\)$", START_TIMEOUT);
        } catch (RuntimeException | AssertionError e) {
            p.close();
            throw e;
        }
        return new FerryServe(p);
    }

    /** Connections the server holds now, TIME_WAIT included (from its latest counter line). */
    int flows() {
        return Integer.parseInt(last(FLOWS, "a counter line").group(1));
    }

    /** Connections the server holds now that are not in TIME_WAIT. */
    int openFlows() {
        Matcher m = last(FLOWS, "a counter line");
        return Integer.parseInt(m.group(1)) - Integer.parseInt(m.group(2));
    }

    /** Retransmissions (timeouts and fast retransmits) so far. */
    long retransmits() {
        return Long.parseLong(last(RETRANSMITS, "a counter line").group(1));
    }

    /** Waits until the server holds {@code n} connections; fails with its output if it does not. */
    void awaitFlows(int n, Duration timeout) {
        await(n, timeout, false);
    }

    /** Waits until no connection is left except those in TIME_WAIT (after the server closed first). */
    void awaitNoOpenFlows(Duration timeout) {
        await(0, timeout, true);
    }

    private void await(int n, Duration timeout, boolean exceptTimeWait) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            assertAlive();
            // Two fresh lines, so the count is from after the caller's traffic ended.
            int lines = counterLines();
            sleep(250);
            int count = exceptTimeWait ? openFlows() : flows();
            if (counterLines() > lines && count == n) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("server still holds " + count + (exceptTimeWait ? " open" : "")
                        + " flows, not " + n + ", after " + timeout + describe());
            }
        }
    }

    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("ferry serve died" + describe());
        }
    }

    String output() {
        return process.output();
    }

    String describe() {
        return process.describeTail();
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and returns the exit code. */
    int terminate(Duration timeout) {
        Cmd.run("kill", "-TERM", Long.toString(process.pid()));
        return process.waitFor(timeout);
    }

    private int counterLines() {
        return (int) output().lines().filter(l -> FLOWS.matcher(l).find()).count();
    }

    private Matcher last(Pattern pattern, String what) {
        List<String> lines = output().lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = pattern.matcher(lines.get(i));
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no " + what + " from ferry serve yet" + describe());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
