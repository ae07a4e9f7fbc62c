package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VethPairTest {
    @Test
    void twoNamespacesTalkOverAVethPairAndTheLinkGoesAwayOnClose() {
        Tools.require("ping");
        try (NetNs a = NetNs.create("a");
                NetNs b = NetNs.create("b")) {
            try (VethPair veth = VethPair.create(a, b)) {
                veth.left().address("198.18.0.1/24").address("fd00:f::1/64").up();
                veth.right().address("198.18.0.2/24").address("fd00:f::2/64").up();
                assertThat(a.tryExec("ping", "-c", "1", "-W", "2", "198.18.0.2").ok())
                        .isTrue();
                assertThat(a.tryExec("ping", "-6", "-c", "1", "-W", "2", "fd00:f::2")
                                .ok())
                        .isTrue();
                assertThat(veth.left().mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");

                veth.right().down();
                assertThat(a.tryExec("ping", "-c", "1", "-W", "1", "198.18.0.2").ok())
                        .isFalse();
            }
            assertThat(a.exec("ip", "-o", "link", "show").stdout()).doesNotContain("veth0");
            assertThat(b.exec("ip", "-o", "link", "show").stdout()).doesNotContain("veth1");
        }
    }

    @Test
    void offloadsCanBeSwitchedOff() {
        try (NetNs a = NetNs.create("off");
                NetNs b = NetNs.create("on");
                VethPair veth = VethPair.create(a, b)) {
            veth.left().offloads(false, "tso", "gso");
            String features = a.exec("ethtool", "-k", "veth0").stdout();
            assertThat(features)
                    .contains("tcp-segmentation-offload: off")
                    .contains("generic-segmentation-offload: off");
            String other = b.exec("ethtool", "-k", "veth1").stdout();
            assertThat(other).contains("generic-segmentation-offload: on");
        }
    }

    @Test
    void anEndInTheInitialNamespaceGetsAUniqueName() {
        try (NetNs b = NetNs.create("root");
                VethPair veth = VethPair.create(null, "ignored", b, "veth1")) {
            assertThat(veth.left().ns()).isNull();
            assertThat(veth.left().name())
                    .startsWith("ft" + ProcessHandle.current().pid() + "x");
            assertThat(Cmd.run("ip", "-o", "link", "show", veth.left().name()).stdout())
                    .contains(veth.left().name());
        }
    }
}
