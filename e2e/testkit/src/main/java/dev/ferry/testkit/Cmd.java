package dev.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands (ip, nft, ethtool) and turns a failure into a message with the output. */
public final class Cmd {
    /** What a finished command printed. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The result if the command succeeded, otherwise an exception naming command and output. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }

        public String describe() {
            return String.join(" ", command) + " exited " + exitCode
                    + (stderr.isBlank() ? "" : "\n  stderr: " + stderr.strip())
                    + (stdout.isBlank() ? "" : "\n  stdout: " + stdout.strip());
        }
    }

    private static final long TIMEOUT_SECONDS = 60;

    private Cmd() {}

    /** Runs the command and throws with its output unless it exits 0. */
    public static Result run(String... command) {
        return exec(List.of(command), null).orThrow();
    }

    /** Runs the command and throws with its output unless it exits 0. */
    public static Result run(List<String> command) {
        return exec(command, null).orThrow();
    }

    /** Runs the command with {@code stdin} as its input and returns whatever happened. */
    public static Result exec(List<String> command, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(List.copyOf(command), 127, "", "cannot start: " + e.getMessage());
        }
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            // Read both streams concurrently so a chatty command cannot block on a full pipe.
            StreamReader out = new StreamReader(process.getInputStream());
            StreamReader err = new StreamReader(process.getErrorStream());
            out.start();
            err.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            out.join();
            err.join();
            return new Result(List.copyOf(command), process.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            process.destroyForcibly();
            return new Result(List.copyOf(command), 127, "", e.toString());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }

    private static final class StreamReader extends Thread {
        private final InputStream in;
        private volatile String text = "";

        StreamReader(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "(unreadable: " + e + ")";
            }
        }

        String text() {
            return text;
        }
    }
}
