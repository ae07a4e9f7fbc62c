package dev.ferry.control.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsSuitACluster() {
        Options o = Options.parse(List.of("--in-cluster"));
        assertThat(o.mode()).isEqualTo(Options.Mode.IN_CLUSTER);
        assertThat(o.port()).isEqualTo(15010);
        assertThat(o.httpPort()).isEqualTo(15014);
        assertThat(o.webhookCertDir())
                .as("webhook off unless certificates are given")
                .isNull();
        assertThat(o.initImage()).isEqualTo(o.sidecarImage());
        assertThat(o.gracePeriod()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void standaloneNeedsAPolicyFileAndModesExcludeEachOther() {
        Options o = Options.parse(List.of("--standalone", "--policy-file", "p.yaml", "--port", "0"));
        assertThat(o.policyFile()).isEqualTo(Path.of("p.yaml"));
        assertThat(Options.parse(List.of("--policy-file", "p.yaml")).mode()).isEqualTo(Options.Mode.STANDALONE);
        assertThatThrownBy(() -> Options.parse(List.of("--standalone"))).hasMessageContaining("--policy-file");
        assertThatThrownBy(() -> Options.parse(List.of("--standalone", "--in-cluster", "--policy-file", "p")))
                .hasMessageContaining("choose one");
        assertThatThrownBy(() -> Options.parse(List.of("--kubeconfig", "k", "--policy-file", "p")))
                .hasMessage("--policy-file is for --standalone mode");
    }

    @Test
    void refusesIncompleteOrUnknownOptions() {
        assertThatThrownBy(() -> Options.parse(List.of("--port"))).hasMessage("--port needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("--port", "70000"))).hasMessage("--port must be 0..65535");
        assertThatThrownBy(() -> Options.parse(List.of("--tls-cert", "c"))).hasMessageContaining("go together");
        assertThatThrownBy(() -> Options.parse(List.of("--verbose"))).hasMessage("unknown option --verbose");
        assertThatThrownBy(() -> Options.parse(List.of("--help"))).isInstanceOf(Options.HelpRequested.class);
    }
}
