package dev.ferry.control.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesIpv4AndIpv6Prefixes() {
        Cidr v4 = Cidr.parse("10.1.0.0/16");
        assertThat(v4.address()).containsExactly(10, 1, 0, 0);
        assertThat(v4.prefixLength()).isEqualTo(16);
        assertThat(v4).hasToString("10.1.0.0/16");

        Cidr v6 = Cidr.parse("fd00::/8");
        assertThat(v6.address()).hasSize(16);
        assertThat(v6.prefixLength()).isEqualTo(8);
        assertThat(Cidr.parse("0.0.0.0/0").contains(new byte[] {1, 2, 3, 4})).isTrue();
    }

    @Test
    void refusesHostBitsWrongLengthsAndNonLiterals() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("more than 32 bits");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0")).hasMessageContaining("not a CIDR");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix length 'x'");
        // A host name would need DNS: refused before any lookup can happen.
        assertThatThrownBy(() -> Cidr.parse("localhost/8")).hasMessageContaining("invalid IP address");
        assertThatThrownBy(() -> Cidr.parse("300.0.0.0/8")).hasMessageContaining("invalid IP address");
        assertThatThrownBy(() -> Cidr.parse("fd00::/129")).hasMessageContaining("more than 128 bits");
    }

    @Test
    void containmentAndOverlapFollowPrefixes() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        Cidr tenOne = Cidr.parse("10.1.0.0/16");
        Cidr eleven = Cidr.parse("11.0.0.0/8");
        assertThat(ten.contains(tenOne)).isTrue();
        assertThat(tenOne.contains(ten)).isFalse();
        assertThat(ten.overlaps(tenOne)).isTrue();
        assertThat(tenOne.overlaps(ten)).isTrue();
        assertThat(ten.overlaps(eleven)).isFalse();
        assertThat(Cidr.parse("10.0.0.0/9").contains(new byte[] {10, (byte) 200, 0, 1}))
                .isFalse();
        assertThat(ten.overlaps(Cidr.parse("::/0")))
                .as("families never overlap")
                .isFalse();
        assertThat(ten).isEqualTo(Cidr.parse("10.0.0.0/8")).hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
    }
}
