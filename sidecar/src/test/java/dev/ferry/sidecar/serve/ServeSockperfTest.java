package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Cmd;
import dev.ferry.testkit.Tools;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry serve --mode sockperf} answers the real sockperf clients, which the latency
 * benchmarks compare against a kernel {@code sockperf server}.
 */
class ServeSockperfTest {
    private static final int PORT = 11111;
    /** The measured part of the run (after warm-up): what was sent and what came back. */
    private static final Pattern VALID =
            Pattern.compile("\\[Valid Duration\\].*SentMessages=(\\d+); ReceivedMessages=(\\d+)");

    private static PodNet net;
    private static FerryServe server;

    @BeforeAll
    static void startServer() {
        Tools.require("sockperf");
        net = new PodNet("sockperf");
        server = FerryServe.start(net, PORT, "--mode", "sockperf");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
        if (net != null) net.close();
    }

    private static Cmd.Result sockperf(String... test) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("sockperf"));
        command.addAll(java.util.List.of(test));
        command.addAll(java.util.List.of("--tcp", "-i", PodNet.POD_V4, "-p", Integer.toString(PORT), "-t", "1"));
        Cmd.Result r = net.inClient(command.toArray(String[]::new));
        assertThat(r.ok()).as(r.describe()).isTrue();
        return r;
    }

    private static Matcher valid(Cmd.Result r) {
        Matcher m = VALID.matcher(r.stdout() + r.stderr());
        assertThat(m.find()).as(r.describe()).isTrue();
        return m;
    }

    @Test
    void pingPongGetsEveryReplyForTheSmallestAndALargeMessage() {
        // 14 bytes is a bare header; 60,000 spans dozens of segments and the reply streams back.
        for (String size : new String[] {"14", "60000"}) {
            Cmd.Result r = sockperf("ping-pong", "-m", size);

            Matcher m = valid(r);
            assertThat(Long.parseLong(m.group(1))).as(r.describe()).isPositive();
            assertThat(m.group(2))
                    .as("every message answered: %s", r.describe())
                    .isEqualTo(m.group(1));
            assertThat(r.stdout() + r.stderr()).contains("# dropped messages = 0;");
        }
    }

    @Test
    void underLoadRepliesOnlyToTheMessagesThatAskForOne() {
        Cmd.Result r = sockperf("under-load", "-m", "64", "--mps", "20000", "--reply-every", "10");

        // One in ten messages asks for a reply; the client counts only the replies it gets.
        Matcher m = valid(r);
        long sent = Long.parseLong(m.group(1));
        long received = Long.parseLong(m.group(2));
        assertThat(sent).as(r.describe()).isGreaterThan(1000);
        assertThat(received).as(r.describe()).isBetween(sent / 10 - 2, sent / 10 + 2);
        server.awaitFlows(0, Duration.ofSeconds(10));
    }
}
