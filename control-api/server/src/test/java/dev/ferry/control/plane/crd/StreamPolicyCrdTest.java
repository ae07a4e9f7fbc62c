package dev.ferry.control.plane.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.plane.policy.PolicyStore;
import dev.ferry.control.plane.standalone.PolicyFile;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The CRD is generated from the Java types at build time (crd-generator-maven-plugin); the copy in
 * control-api/server/crd/ is what Helm and kubectl install, so it must be the generated one.
 */
class StreamPolicyCrdTest {

    private static final String GENERATED = "/META-INF/fabric8/streampolicies.ferry.dev-v1.yml";
    private static final Path CHECKED_IN = Path.of("crd/streampolicies.ferry.dev-v1.yml");

    private static String generated() throws IOException {
        try (InputStream in = StreamPolicyCrdTest.class.getResourceAsStream(GENERATED)) {
            assertThat(in).as("the build generates " + GENERATED).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCheckedInCrdIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(CHECKED_IN))
                .as("regenerate: cp control-api/server/target/classes%s control-api/server/%s", GENERATED, CHECKED_IN)
                .isEqualTo(generated());
    }

    @Test
    void theCrdIsANamespacedFerryDevResourceWithAStatusSubresource() throws IOException {
        CustomResourceDefinition crd =
                new KubernetesSerialization().unmarshal(generated(), CustomResourceDefinition.class);
        assertThat(crd.getSpec().getGroup()).isEqualTo("ferry.dev");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("StreamPolicy");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().getFirst();
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();

        JSONSchemaProps spec =
                version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getProperties().keySet()).isEqualTo(beanProperties(StreamPolicySpec.class));
        JSONSchemaProps port = spec.getProperties().get("ports").getItems().getSchema();
        assertThat(port.getProperties().keySet()).isEqualTo(beanProperties(PortRules.class));
        assertThat(port.getRequired()).containsExactly("port");
        JSONSchemaProps peer = port.getProperties().get("peers").getItems().getSchema();
        assertThat(peer.getProperties().keySet()).isEqualTo(beanProperties(PeerRules.class));
        assertThat(port.getProperties().get("timeouts").getProperties().keySet())
                .isEqualTo(beanProperties(TimeoutSpec.class));
        assertThat(port.getProperties().get("byteRates").getProperties().keySet())
                .isEqualTo(beanProperties(ByteRateSpec.class));
    }

    @Test
    void theExamplePoliciesAreValid() throws IOException {
        PolicyStore store = new PolicyStore();
        new PolicyFile(Path.of("examples/policies.yaml"), store).reloadIfChanged();
        assertThat(store.entries())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.problems()).isEmpty());
    }

    private static Set<String> beanProperties(Class<?> type) {
        try {
            return Arrays.stream(Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors())
                    .filter(p -> p.getWriteMethod() != null)
                    .map(PropertyDescriptor::getName)
                    .collect(Collectors.toSet());
        } catch (java.beans.IntrospectionException e) {
            throw new AssertionError(e);
        }
    }
}
