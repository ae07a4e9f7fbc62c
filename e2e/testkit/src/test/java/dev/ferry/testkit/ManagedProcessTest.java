package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManagedProcessTest {
    @Test
    void waitsForALineAndCapturesBothStreams() {
        try (ManagedProcess p = ManagedProcess.builder("sh", "-c", "echo out-line; echo err-line >&2; sleep 30")
                .label("echoer")
                .start()) {
            assertThat(p.awaitLine("err-(\\w+)", Duration.ofSeconds(5)).group(1))
                    .isEqualTo("line");
            assertThat(p.output()).contains("out-line").contains("err-line");
            assertThat(p.logFile()).exists();
        }
    }

    @Test
    void closeKillsTheProcessAndItsChildren() throws Exception {
        ManagedProcess p = ManagedProcess.builder("sh", "-c", "sleep 300 & echo child=$!; wait")
                .start();
        long child = Long.parseLong(
                p.awaitLine("child=(\\d+)", Duration.ofSeconds(5)).group(1));
        assertThat(ProcessHandle.of(child)).isPresent();
        p.close();
        assertThat(p.isAlive()).isFalse();
        Thread.sleep(50);
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void waitsForAListenerInsideANamespace() {
        Tools.require("socat");
        try (NetNs ns = NetNs.create("listen");
                ManagedProcess server = ManagedProcess.builder("socat", "TCP-LISTEN:7777,reuseaddr", "EXEC:cat")
                        .in(ns)
                        .start()) {
            server.awaitListening(7777, Duration.ofSeconds(10));
            // Nothing listens on 7777 in the initial namespace: the check looked inside ns.
            assertThat(ns.tryExec("sh", "-c", "echo hi | socat -t1 - TCP:127.0.0.1:7777")
                            .stdout())
                    .contains("hi");
        }
    }

    @Test
    void aProcessThatDiesWhileAwaitedFailsWithItsOutput() {
        try (ManagedProcess p =
                ManagedProcess.builder("sh", "-c", "echo about to fail; exit 3").start()) {
            assertThatThrownBy(() -> p.awaitLine("never printed", Duration.ofSeconds(5)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exited with 3")
                    .hasMessageContaining("about to fail");
        }
    }

    @Test
    void aMissingExecutableFailsClearly() {
        assertThatThrownBy(() -> ManagedProcess.builder("ferry-no-such-tool").start())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ferry-no-such-tool")
                .hasMessageContaining("./ferry deps");
    }
}
