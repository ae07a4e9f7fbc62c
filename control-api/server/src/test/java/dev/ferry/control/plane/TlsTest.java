package dev.ferry.control.plane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.client.PolicyClient;
import dev.ferry.control.v1.SidecarHello;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as a cluster would configure it: gRPC with --tls-cert/--tls-key, and the webhook with a
 * Secret-style directory (tls.crt, tls.key). Keys are made by openssl, RSA and EC both.
 */
class TlsTest {

    @TempDir
    Path dir;

    /** A self-signed certificate for localhost/127.0.0.1 in dir/tls.crt + dir/tls.key. */
    private void certificate(String keyAlgorithm) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                "openssl",
                "req",
                "-x509",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                dir.resolve("tls.key").toString(),
                "-out",
                dir.resolve("tls.crt").toString()));
        command.addAll(
                keyAlgorithm.equals("EC")
                        ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
                        : List.of("-newkey", "rsa:2048"));
        Process openssl;
        try {
            openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs the openssl binary (Debian package openssl): " + e.getMessage());
        }
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();
    }

    private SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry(
                    "ferry", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void grpcOverTlsAndTheWebhookOverHttps() throws Exception {
        certificate("RSA");
        Path policies = dir.resolve("p.yaml");
        Files.writeString(policies, """
                apiVersion: ferry.dev/v1alpha1
                kind: StreamPolicy
                metadata: {name: web, namespace: shop}
                spec: {ports: [{port: 80, maxConnections: 3}]}
                """);
        try (ControlPlaneServer server = ControlPlaneServer.start(Options.parse(List.of(
                "--standalone",
                "--policy-file",
                policies.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--http-port",
                "-1",
                "--webhook-port",
                "0",
                "--tls-cert",
                dir.resolve("tls.crt").toString(),
                "--tls-key",
                dir.resolve("tls.key").toString(),
                "--webhook-cert-dir",
                dir.toString(),
                "--sidecar-image",
                "ferry/ferry:test")))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.grpcPort())
                    .sslContext(GrpcSslContexts.forClient()
                            .trustManager(dir.resolve("tls.crt").toFile())
                            .build())
                    .build();
            SidecarHello hello = SidecarHello.newBuilder()
                    .setPod("web-1")
                    .setNamespace("shop")
                    .build();
            try (PolicyClient client =
                    PolicyClient.builder(channel, hello).build().start()) {
                Await.until("policy over TLS", () -> client.current().isPresent());
                assertThat(client.current()
                                .get()
                                .policy()
                                .getListeners(0)
                                .getRules()
                                .getMaxConnections())
                        .isEqualTo(3);
            } finally {
                channel.shutdownNow();
            }

            String review;
            try (InputStream in = TlsTest.class.getResourceAsStream("/admission/pod-inject.json")) {
                review = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            HttpClient https = HttpClient.newBuilder()
                    .sslContext(trusting(dir.resolve("tls.crt")))
                    .build();
            HttpResponse<String> response = https.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.webhookPort() + "/inject"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(review))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"allowed\":true").contains("\"patchType\":\"JSONPatch\"");
        }
    }

    @Test
    void theWebhookAcceptsAnEcKeyToo() throws Exception {
        certificate("EC");
        var context =
                dev.ferry.control.plane.webhook.TlsFiles.serverContext(dir.resolve("tls.crt"), dir.resolve("tls.key"));
        assertThat(context.getProtocol()).isEqualTo("TLS");
    }
}
