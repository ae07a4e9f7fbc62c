package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Cmd;
import dev.ferry.testkit.Tools;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry serve --mode http} answering real HTTP clients (curl, wrk) that run on the kernel's
 * TCP in the client namespace: keep-alive, {@code Connection: close} and HTTP/1.0 as RFC 9112
 * 9.3 describes them, as the clients observe it.
 */
class ServeHttpTest {
    private static final int PORT = 8080;
    private static final String URL = "http://" + PodNet.POD_V4 + ":" + PORT;
    /** What the server sends with {@code --body-bytes 6}: the alphabet, then a newline. */
    private static final String BODY = "abcde\n";

    private static PodNet net;
    private static FerryServe server;

    @BeforeAll
    static void startServer() {
        Tools.require("curl", "wrk");
        net = new PodNet("http");
        server = FerryServe.start(net, PORT, "--mode", "http", "--body-bytes", "6");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
        if (net != null) net.close();
    }

    /** One line per URL: "<status> <new connections opened for it> <body bytes>". */
    private static List<String> curl(String... optionsAndUrls) {
        List<String> command = new java.util.ArrayList<>(List.of(
                "curl",
                "--silent",
                "--show-error",
                "--max-time",
                "20",
                "--write-out",
                "%{http_code} %{num_connects} %{size_download}\\n"));
        for (String arg : optionsAndUrls) {
            if (arg.startsWith("http://")) {
                command.addAll(List.of("--output", "/dev/null")); // curl's --output applies to one URL
            }
            command.add(arg);
        }
        Cmd.Result r = net.inClient(command.toArray(String[]::new));
        assertThat(r.ok()).as(r.describe()).isTrue();
        return r.stdout().lines().toList();
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() {
        assertThat(curl(URL + "/a", URL + "/b", URL + "/c", URL + "/d"))
                .containsExactly("200 1 6", "200 0 6", "200 0 6", "200 0 6");
    }

    @Test
    void theBodyIsWhatTheServerWasAskedToSend() {
        Cmd.Result r = net.inClient("curl", "--silent", "--show-error", "--max-time", "20", "--include", URL + "/");

        assertThat(r.ok()).as(r.describe()).isTrue();
        assertThat(r.stdout())
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Content-Length: 6\r\n")
                .endsWith("\r\n\r\n" + BODY);
    }

    @Test
    void connectionCloseClosesAfterEachResponse() {
        // Every request needs a new connection: the server closed the previous one.
        assertThat(curl("--header", "Connection: close", URL + "/a", URL + "/b", URL + "/c"))
                .containsExactly("200 1 6", "200 1 6", "200 1 6");
        Cmd.Result headers = net.inClient(
                "curl",
                "--silent",
                "--max-time",
                "20",
                "--dump-header",
                "-",
                "--output",
                "/dev/null",
                "--header",
                "Connection: close",
                URL + "/");
        assertThat(headers.stdout()).contains("Connection: close\r\n");
    }

    @Test
    void anHttp10RequestIsAnsweredAndItsConnectionClosed() {
        // HTTP/1.0 without "Connection: keep-alive" means one request per connection (RFC 9112 9.3).
        assertThat(curl("--http1.0", URL + "/a", URL + "/b")).containsExactly("200 1 6", "200 1 6");
    }

    @Test
    void anHttp10ClientAskingForKeepAliveKeepsItsConnection() {
        assertThat(curl("--http1.0", "--header", "Connection: keep-alive", URL + "/a", URL + "/b"))
                .containsExactly("200 1 6", "200 0 6");
    }

    @Test
    void anAddressOnlyFerryHoldsIsAnsweredThroughArp() {
        // A second server on an address the pod's kernel does not have: no nftables, ARP by Ferry.
        try (FerryServe owned = FerryServe.start(
                net, PORT + 1, "--mode", "http", "--body-bytes", "6", "--address", PodNet.FERRY_OWNED_V4)) {
            String ownedUrl = "http://" + PodNet.FERRY_OWNED_V4 + ":" + (PORT + 1);
            assertThat(owned.output()).contains("kernel not silenced");

            assertThat(curl(ownedUrl + "/a", ownedUrl + "/b")).containsExactly("200 1 6", "200 0 6");
            assertThat(net.inClient("ip", "neigh", "show", PodNet.FERRY_OWNED_V4)
                            .stdout())
                    .contains(net.veth.left().mac());
        }
    }

    @Test
    void aSecondServerInTheNamespaceHasItsOwnTableAndStopsWithoutTouchingTheFirsts() {
        String first = "netdev ferry-198-18-0-1-" + PORT;
        String second = "netdev ferry-198-18-0-1-" + (PORT + 2);
        assertThat(PodNet.POD_V4).isEqualTo("198.18.0.1");
        try (FerryServe other = FerryServe.start(net, PORT + 2, "--mode", "http", "--body-bytes", "6")) {
            assertThat(other.output()).contains("kernel silenced by nftables table " + second);
            assertThat(net.podFerryTables()).contains(first, second);
            String otherUrl = "http://" + PodNet.POD_V4 + ":" + (PORT + 2);
            assertThat(curl(otherUrl + "/a", URL + "/b")).containsExactly("200 1 6", "200 1 6");
            assertThat(other.terminate(java.time.Duration.ofSeconds(30))).isEqualTo(143);
        }
        assertThat(net.podFerryTables()).containsExactly(first);
        // The first server is still answered by Ferry alone: the kernel did not get its port back.
        assertThat(curl(URL + "/c", URL + "/d")).containsExactly("200 1 6", "200 0 6");
    }

    @Test
    void wrkRunsForThreeSecondsWithoutAnError() {
        Cmd.Result r = net.inClient("wrk", "--threads", "1", "--connections", "20", "--duration", "3s", URL + "/");

        assertThat(r.ok()).as(r.describe()).isTrue();
        Matcher requests = Pattern.compile("(\\d+) requests in").matcher(r.stdout());
        assertThat(requests.find()).as(r.stdout()).isTrue();
        assertThat(Long.parseLong(requests.group(1))).as(r.stdout()).isGreaterThan(1000);
        // wrk prints these lines only when something went wrong.
        assertThat(r.stdout()).doesNotContain("Socket errors").doesNotContain("Non-2xx");
        // wrk closes its connections at the end; earlier tests' server-side closes may sit in TIME_WAIT.
        server.awaitNoOpenFlows(java.time.Duration.ofSeconds(10));
    }
}
