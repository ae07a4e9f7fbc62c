package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetNsTest {
    @Test
    void aNamespaceExistsUntilClosedAndRunsCommandsInside() {
        String name;
        try (NetNs ns = NetNs.create("unit")) {
            name = ns.name();
            assertThat(name)
                    .startsWith("ferry-t-" + ProcessHandle.current().pid() + "-")
                    .endsWith("-unit");
            assertThat(Path.of("/run/netns", name)).exists();
            // A fresh namespace has only a loopback, and the kit brought it up.
            String links = ns.exec("ip", "-o", "link", "show").stdout();
            assertThat(links.strip().lines()).hasSize(1);
            assertThat(links).contains("lo:").contains("UP");
        }
        assertThat(Path.of("/run/netns", name)).doesNotExist();
        assertThat(Cleanup.pending()).noneMatch(p -> p.contains(name));
    }

    @Test
    void javaCodeRunsInsideTheNamespace() throws Exception {
        Path own = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        try (NetNs ns = NetNs.create("call")) {
            String expected = ns.exec("readlink", "/proc/self/ns/net").stdout().strip();
            Path inside = ns.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));
            assertThat(inside.toString()).isEqualTo(expected).isNotEqualTo(own.toString());
            // The calling thread itself never moved.
            assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")))
                    .isEqualTo(own);
        }
    }

    @Test
    void failuresInsideCallReachTheCaller() {
        try (NetNs ns = NetNs.create("fail")) {
            assertThatThrownBy(() -> ns.call(() -> {
                        throw new IllegalArgumentException("boom");
                    }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("boom");
        }
    }

    @Test
    void aFailedCommandNamesItselfAndItsOutput() {
        try (NetNs ns = NetNs.create("cmd")) {
            assertThatThrownBy(() -> ns.exec("ip", "link", "set", "dev", "nosuchdev", "up"))
                    .hasMessageContaining("ip link set dev nosuchdev up")
                    .hasMessageContaining("nosuchdev");
        }
    }

    @Test
    void closeIsIdempotent() {
        NetNs ns = NetNs.create("twice");
        ns.close();
        ns.close();
        assertThat(Path.of("/run/netns", ns.name())).doesNotExist();
    }
}
