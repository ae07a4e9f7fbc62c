package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NftLossTest {
    @Test
    void dropsTheGivenShareOfPacketsInEitherDirection() {
        Tools.require("ping");
        try (NetNs a = NetNs.create("loss-a");
                NetNs b = NetNs.create("loss-b");
                VethPair veth = VethPair.create(a, b)) {
            veth.left().address("198.18.1.1/24").up();
            veth.right().address("198.18.1.2/24").up();
            assertThat(a.tryExec("ping", "-c", "1", "-W", "2", "198.18.1.2").ok())
                    .isTrue();

            try (NftLoss loss = NftLoss.install(b, NftLoss.Direction.INPUT, 100, "ip protocol icmp")) {
                assertThat(a.tryExec("ping", "-c", "2", "-W", "1", "198.18.1.2").ok())
                        .isFalse();
                assertThat(loss.dropped()).isGreaterThanOrEqualTo(2);

                loss.percent(0);
                assertThat(a.tryExec("ping", "-c", "1", "-W", "2", "198.18.1.2").ok())
                        .isTrue();
            }
            try (NftLoss loss = NftLoss.install(b, NftLoss.Direction.OUTPUT, 100)) {
                // The echo request arrives; the reply is lost on its way out of b.
                assertThat(a.tryExec("ping", "-c", "1", "-W", "1", "198.18.1.2").ok())
                        .isFalse();
                assertThat(loss.dropped()).isGreaterThanOrEqualTo(1);
            }
            assertThat(b.exec("nft", "list", "tables").stdout()).doesNotContain("ferry_loss");
            assertThat(a.tryExec("ping", "-c", "1", "-W", "2", "198.18.1.2").ok())
                    .isTrue();
        }
    }

    @Test
    void aRandomShareIsDropped() {
        Tools.require("ping");
        try (NetNs a = NetNs.create("share-a");
                NetNs b = NetNs.create("share-b");
                VethPair veth = VethPair.create(a, b)) {
            veth.left().address("198.18.2.1/24").up();
            veth.right().address("198.18.2.2/24").up();
            try (NftLoss loss = NftLoss.install(b, NftLoss.Direction.INPUT, 50, "ip protocol icmp")) {
                a.tryExec("ping", "-c", "200", "-i", "0.002", "-W", "1", "198.18.2.2");
                // 200 trials at p=0.5: outside 50..150 has probability < 1e-12.
                assertThat(loss.dropped()).isBetween(50L, 150L);
            }
        }
    }
}
