package dev.ferry.sidecar.serve;

import dev.ferry.testkit.Cmd;
import dev.ferry.testkit.NetNs;
import dev.ferry.testkit.Tools;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel-socket peers in the client namespace ({@code kernel-peers.py}, run by the system Python):
 * clients whose connections' bytes are generated from a seed and checked by sha256 on return, and
 * an echo server.
 */
final class KernelClients {
    static final String PYTHON = "/usr/bin/python3";

    private KernelClients() {}

    /** What a client run reported: its "key value" lines and its "bad" lines. */
    record Outcome(Map<String, String> values, List<String> bad, Cmd.Result raw) {
        boolean ok() {
            return raw.ok() && "ok".equals(values.get("result"));
        }

        long number(String key) {
            return Long.parseLong(values.getOrDefault(key, "-1"));
        }

        @Override
        public String toString() {
            return raw.describe();
        }
    }

    /** {@code conns} connections at once, each echoing {@code bytes} of its own; see the script. */
    static Outcome echo(NetNs client, String host, int port, int conns, int bytes, long seed, boolean halfClose) {
        List<String> args = new ArrayList<>(List.of(
                "echo",
                host,
                Integer.toString(port),
                "--conns",
                Integer.toString(conns),
                "--bytes",
                Integer.toString(bytes),
                "--seed",
                Long.toString(seed),
                "--timeout",
                "45"));
        if (halfClose) {
            args.add("--half-close");
        }
        return run(client, args);
    }

    /** {@code conns} connections one after another, each sending {@code bytes} and then resetting. */
    static Outcome reset(NetNs client, String host, int port, int conns, int bytes) {
        return run(
                client,
                List.of(
                        "reset",
                        host,
                        Integer.toString(port),
                        "--conns",
                        Integer.toString(conns),
                        "--bytes",
                        "" + bytes));
    }

    private static Outcome run(NetNs client, List<String> args) {
        Tools.require(PYTHON);
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString()));
        command.addAll(args);
        Cmd.Result r = Cmd.exec(client.command(command.toArray(String[]::new)), null);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            String key = line.substring(0, space);
            if (key.equals("bad")) {
                bad.add(line.substring(space + 1));
            } else {
                values.put(key, line.substring(space + 1));
            }
        }
        return new Outcome(values, bad, r);
    }

    /** The command that runs the script's echo server on {@code host:port}. */
    static List<String> echoServer(String host, int port) {
        Tools.require(PYTHON);
        return List.of(PYTHON, script().toString(), "echo-server", host, Integer.toString(port));
    }

    private static Path script() {
        try {
            return Path.of(KernelClients.class.getResource("/kernel-peers.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
