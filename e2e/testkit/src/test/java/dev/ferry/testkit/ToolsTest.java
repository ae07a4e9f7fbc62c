package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ToolsTest {
    @Test
    void presentToolsPassAndMissingOnesFailNamingThem() {
        Tools.require("sh", "ip");
        assertThatThrownBy(() -> Tools.require("sh", "ferry-missing-a", "ferry-missing-b"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ferry-missing-a, ferry-missing-b");
    }

    @Test
    void rootIsDetectedFromTheProcessStatus() {
        // The test suite runs as root (see README); the check must agree with `id -u`.
        boolean root = Cmd.run("id", "-u").stdout().strip().equals("0");
        assertThat(Tools.isRoot()).isEqualTo(root);
    }
}
