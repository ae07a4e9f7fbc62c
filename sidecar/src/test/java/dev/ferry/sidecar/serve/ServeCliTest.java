package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.ManagedProcess;
import dev.ferry.testkit.Tools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user sees when {@code ferry serve} cannot run: a non-zero exit, a message that says what
 * is wrong, and no nftables table left behind. And that a signal takes the table away with it.
 */
class ServeCliTest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static PodNet net;

    @BeforeAll
    static void createNamespaces() {
        net = new PodNet("cli");
    }

    @AfterAll
    static void removeNamespaces() {
        if (net != null) net.close();
    }

    /** Runs {@code prefix... java ... ferry serve argv...} in the pod namespace to its end. */
    private static Exit serve(List<String> prefix, String... argv) {
        List<String> command = new ArrayList<>(prefix);
        List<String> all = new ArrayList<>(List.of("serve"));
        all.addAll(List.of(argv));
        command.addAll(FerryServe.command(all.toArray(String[]::new)));
        try (ManagedProcess p = ManagedProcess.builder(command)
                .in(net.pod)
                .label("ferry-serve-cli")
                .start()) {
            int code = p.waitFor(EXIT_TIMEOUT);
            return new Exit(code, p.output(), p.describeTail());
        }
    }

    private static Exit serve(String... argv) {
        return serve(List.of(), argv);
    }

    private record Exit(int code, String output, String describe) {}

    @Test
    void anUnknownOptionIsNamedAndNothingIsInstalled() {
        Exit exit = serve("--interface", PodNet.POD_IF, "--port", "7000", "--colour", "blue");

        assertThat(exit.code()).as(exit.describe()).isEqualTo(2);
        assertThat(exit.output()).contains("unknown option --colour");
        assertThat(net.podHasFerryTable()).as("%s", net.podTables()).isFalse();
    }

    @Test
    void aMissingPortOrABadValueIsNamed() {
        Exit noPort = serve("--interface", PodNet.POD_IF);
        Exit badPort = serve("--interface", PodNet.POD_IF, "--port", "70000");
        Exit badMode = serve("--interface", PodNet.POD_IF, "--port", "7000", "--mode", "gopher");

        assertThat(noPort.code()).as(noPort.describe()).isEqualTo(2);
        assertThat(noPort.output()).contains("--port is required");
        assertThat(badPort.code()).as(badPort.describe()).isEqualTo(2);
        assertThat(badPort.output()).contains("--port must be in 1..65535, not 70000");
        assertThat(badMode.code()).as(badMode.describe()).isEqualTo(2);
        assertThat(badMode.output()).contains("--mode must be echo, http, discard or sockperf, not 'gopher'");
    }

    @Test
    void anInterfaceThatDoesNotExistIsNamed() {
        Exit exit = serve("--interface", "eth9", "--port", "7000");

        assertThat(exit.code()).as(exit.describe()).isEqualTo(2);
        assertThat(exit.output()).contains("no interface eth9 in this network namespace");
        assertThat(net.podHasFerryTable()).as("%s", net.podTables()).isFalse();
    }

    @Test
    void withoutNetRawItSaysSoAndRemovesTheTableItHadInstalled() {
        Tools.require("setpriv");
        // NET_ADMIN stays, so the nftables table goes in first; opening the ring then fails.
        Exit exit = serve(
                List.of("setpriv", "--inh-caps=-all", "--bounding-set=-net_raw", "--"),
                "--interface",
                PodNet.POD_IF,
                "--port",
                "7000");

        assertThat(exit.code()).as(exit.describe()).isEqualTo(1);
        assertThat(exit.output()).contains("needs CAP_NET_RAW");
        assertThat(net.podHasFerryTable()).as("%s", net.podTables()).isFalse();
    }

    @Test
    void withoutNetAdminItSaysSo() {
        Tools.require("setpriv");
        Exit exit = serve(
                List.of("setpriv", "--inh-caps=-all", "--bounding-set=-net_admin", "--"),
                "--interface",
                PodNet.POD_IF,
                "--port",
                "7000");

        assertThat(exit.code()).as(exit.describe()).isEqualTo(1);
        assertThat(exit.output()).contains("needs CAP_NET_ADMIN");
        assertThat(net.podHasFerryTable()).as("%s", net.podTables()).isFalse();
    }

    @Test
    void sigtermRemovesTheNftablesTable() {
        FerryServe server = FerryServe.start(net, 7001, "--mode", "echo");
        try {
            assertThat(net.podHasFerryTable())
                    .as("installed while serving: %s", net.podTables())
                    .isTrue();

            int code = server.terminate(EXIT_TIMEOUT);

            assertThat(code).as(server.describe()).isEqualTo(143); // 128 + SIGTERM: the JVM's own exit
            assertThat(net.podHasFerryTable()).as("%s", net.podTables()).isFalse();
            assertThat(server.output().lines().filter(l -> l.startsWith("ferry serve: ")))
                    .as("no error while stopping")
                    .singleElement()
                    .asString()
                    .startsWith("ferry serve: listening on ");
        } finally {
            server.close();
        }
    }
}
