package dev.ferry.control.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.control.v1.SidecarHello;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodInfoTest {

    @TempDir
    Path dir;

    @Test
    void readsTheIdentityTheWebhookProvides() throws IOException {
        // As the kubelet writes it: sorted keys, Go-quoted values.
        Files.writeString(dir.resolve("labels"), """
                app="web"
                ferry.dev/inject="enabled"
                note="say \\"hi\\"\\tnow"
                pod-template-hash="7d9c8f6b5"
                """);
        SidecarHello hello = PodInfo.hello(Map.of("POD_NAME", "web-1", "POD_NAMESPACE", "shop"), dir, "0.1.0");
        assertThat(hello.getPod()).isEqualTo("web-1");
        assertThat(hello.getNamespace()).isEqualTo("shop");
        assertThat(hello.getSidecarVersion()).isEqualTo("0.1.0");
        assertThat(hello.getLabelsMap())
                .containsEntry("app", "web")
                .containsEntry("ferry.dev/inject", "enabled")
                .containsEntry("note", "say \"hi\"\tnow")
                .hasSize(4);
    }

    @Test
    void outsideKubernetesThereAreNoLabelsButANameIsStillRequired() throws IOException {
        assertThat(PodInfo.hello(Map.of("POD_NAME", "p", "POD_NAMESPACE", "n"), dir, "v")
                        .getLabelsMap())
                .isEmpty();
        assertThatThrownBy(() -> PodInfo.hello(Map.of(), dir, "v")).hasMessageContaining("POD_NAME");
        assertThatThrownBy(() -> PodInfo.parseLabels("app=web")).hasMessageContaining("not a downward-API label line");
    }
}
