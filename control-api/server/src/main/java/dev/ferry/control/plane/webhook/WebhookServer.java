package dev.ferry.control.plane.webhook;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@link SidecarInjector} over HTTPS at {@code POST /inject}, the path the
 * MutatingWebhookConfiguration names. The key pair comes from a mounted Secret directory
 * ({@code tls.crt}, {@code tls.key}) and is read at start; rotate by restarting.
 */
public final class WebhookServer implements AutoCloseable {

    /** AdmissionReview bodies are a pod spec: a few KB; refuse anything absurd. */
    private static final int MAX_BODY_BYTES = 4 << 20;

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("ferry-webhook-", 0).factory());

    public WebhookServer(InetSocketAddress address, Path certDir, SidecarInjector injector) throws IOException {
        server = HttpsServer.create(address, 64);
        server.setHttpsConfigurator(
                new HttpsConfigurator(TlsFiles.serverContext(certDir.resolve("tls.crt"), certDir.resolve("tls.key"))));
        server.setExecutor(executor);
        server.createContext("/inject", ex -> {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                ex.close();
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            int status = 200;
            String answer;
            if (body.length > MAX_BODY_BYTES) {
                status = 413;
                answer = "AdmissionReview too large\n";
            } else {
                try {
                    answer = injector.review(new String(body, StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    status = 400;
                    answer = "not an AdmissionReview: " + e.getMessage() + "\n";
                }
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    public WebhookServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
