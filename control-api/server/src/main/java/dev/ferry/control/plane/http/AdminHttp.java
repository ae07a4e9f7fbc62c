package dev.ferry.control.plane.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.control.plane.ControlPlane;
import dev.ferry.control.v1.RecentStreamsRequest;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Plain-HTTP admin endpoints for people, probes and {@code ferry top}:
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 while serving (liveness and readiness).
 *   <li>{@code GET /streams?limit=N&namespace=NS&pod=P}: the recent-streams view as JSON (the
 *       {@code RecentStreamsResponse} message in proto3 JSON form).
 *   <li>{@code GET /policies}: every policy's status as JSON.
 * </ul>
 */
public final class AdminHttp implements AutoCloseable {

    private final HttpServer server;

    public AdminHttp(InetSocketAddress address, ControlPlane plane, BooleanSupplier serving) throws IOException {
        server = HttpServer.create(address, 64);
        server.setExecutor(Executors.newFixedThreadPool(
                2, Thread.ofPlatform().daemon().name("ferry-http-", 0).factory()));
        KubernetesSerialization json = new KubernetesSerialization();
        JsonFormat.Printer printer = JsonFormat.printer();
        server.createContext("/healthz", ex -> {
            boolean ok = serving.getAsBoolean();
            send(ex, ok ? 200 : 503, "text/plain", ok ? "ok\n" : "shutting down\n");
        });
        server.createContext("/streams", ex -> {
            Map<String, String> q = query(ex);
            RecentStreamsRequest.Builder request = RecentStreamsRequest.newBuilder()
                    .setNamespace(q.getOrDefault("namespace", ""))
                    .setPod(q.getOrDefault("pod", ""));
            try {
                request.setLimit(Integer.parseUnsignedInt(q.getOrDefault("limit", "0")));
            } catch (NumberFormatException e) {
                send(ex, 400, "text/plain", "limit must be a non-negative integer\n");
                return;
            }
            try {
                send(ex, 200, "application/json", printer.print(plane.view().query(request.build())) + "\n");
            } catch (InvalidProtocolBufferException e) {
                send(ex, 500, "text/plain", e.getMessage());
            }
        });
        server.createContext(
                "/policies",
                ex -> send(
                        ex,
                        200,
                        "application/json",
                        json.asJson(plane.distributor().reports()) + "\n"));
    }

    public AdminHttp start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
