package dev.ferry.control.plane;

import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.plane.http.AdminHttp;
import dev.ferry.control.plane.k8s.KubernetesController;
import dev.ferry.control.plane.policy.PodDirectory;
import dev.ferry.control.plane.policy.PolicyReport;
import dev.ferry.control.plane.standalone.PolicyFile;
import dev.ferry.control.plane.webhook.InjectionSettings;
import dev.ferry.control.plane.webhook.SidecarInjector;
import dev.ferry.control.plane.webhook.WebhookServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code ferry control-plane} process: the {@link ControlPlane} served over Netty, plus the
 * admin HTTP endpoints, the policy source (Kubernetes or a file), OTLP export and the webhook.
 */
public final class ControlPlaneServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ControlPlaneServer.class.getName());

    private final Options options;
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private final AtomicBoolean serving = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ControlPlane plane;
    private Server grpc;
    private AdminHttp http;
    private WebhookServer webhook;
    private SdkMeterProvider meters;
    private ScheduledExecutorService fileWatcher;
    private KubernetesController controller;
    private KubernetesClient kubernetes;

    private ControlPlaneServer(Options options) {
        this.options = options;
    }

    public static ControlPlaneServer start(Options options) throws IOException {
        ControlPlaneServer server = new ControlPlaneServer(options);
        try {
            server.startAll();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startAll() throws IOException {
        Meter meter = meter();
        PodDirectory pods;
        java.util.function.Consumer<List<PolicyReport>> statusSink;
        if (options.mode() == Options.Mode.STANDALONE) {
            pods = PodDirectory.TRUST_SIDECAR;
            statusSink = new RejectionLog()::publish;
        } else {
            kubernetes =
                    new KubernetesClientBuilder().withConfig(kubernetesConfig()).build();
            controller = new KubernetesController(kubernetes);
            pods = controller;
            statusSink = controller::publish;
        }
        plane = new ControlPlane(pods, meter, statusSink, ControlPlane.Settings.defaults());
        if (options.mode() == Options.Mode.STANDALONE) {
            PolicyFile file = new PolicyFile(options.policyFile(), plane.store());
            file.reloadIfChanged(); // a broken file at start is an error, later ones are logged
            fileWatcher = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("ferry-policy-file").factory());
            fileWatcher.scheduleWithFixedDelay(() -> reload(file), 1, 1, TimeUnit.SECONDS);
        } else {
            controller.start(plane);
        }

        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                        new InetSocketAddress(options.bind(), options.port()))
                // Sidecars hold streams for days: keep idle connections alive through NATs and
                // let clients ping, but not abusively.
                .keepAliveTime(60, TimeUnit.SECONDS)
                .permitKeepAliveTime(20, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        if (options.tlsCert() != null) {
            builder.useTransportSecurity(
                    options.tlsCert().toFile(), options.tlsKey().toFile());
        }
        grpc = plane.bind(builder).build().start();
        serving.set(true);
        plane.serving(true);
        if (options.httpPort() >= 0) {
            http = new AdminHttp(new InetSocketAddress(options.bind(), options.httpPort()), plane, serving::get)
                    .start();
        }
        if (options.webhookCertDir() != null) {
            SidecarInjector injector = new SidecarInjector(
                    new InjectionSettings(options.sidecarImage(), options.initImage(), options.advertiseAddress()));
            webhook = new WebhookServer(
                            new InetSocketAddress(options.bind(), options.webhookPort()),
                            options.webhookCertDir(),
                            injector)
                    .start();
        }
    }

    private Meter meter() {
        if (options.otlpEndpoint() == null) {
            return OpenTelemetry.noop().getMeter("dev.ferry.control-plane");
        }
        meters = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().toBuilder()
                        .put("service.name", "ferry-control-plane")
                        .build())
                .registerMetricReader(PeriodicMetricReader.builder(OtlpGrpcMetricExporter.builder()
                                .setEndpoint(options.otlpEndpoint())
                                .build())
                        .setInterval(options.otlpInterval())
                        .build())
                .build();
        return meters.get("dev.ferry.control-plane");
    }

    private Config kubernetesConfig() throws IOException {
        if (options.mode() == Options.Mode.KUBECONFIG && options.kubeconfig() != null) {
            if (!Files.isReadable(options.kubeconfig())) {
                throw new IOException("cannot read kubeconfig " + options.kubeconfig());
            }
            return Config.fromKubeconfig(options.kubeconfig().toFile());
        }
        return Config.autoConfigure(null); // in-cluster service account, or KUBECONFIG / ~/.kube/config
    }

    private void reload(PolicyFile file) {
        try {
            if (file.reloadIfChanged()) {
                plane.policiesChanged();
            }
            plane.statusChanged();
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "policy file not reloaded, keeping the previous policies: " + e.getMessage());
        }
    }

    public ControlPlane plane() {
        return plane;
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public int webhookPort() {
        return webhook == null ? -1 : webhook.port();
    }

    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /**
     * Graceful shutdown: health turns NOT_SERVING, policy streams are completed (sidecars keep
     * their policy and reconnect to another replica), in-flight calls get the grace period.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serving.set(false);
        if (plane != null) {
            plane.close();
        }
        if (grpc != null) {
            grpc.shutdown();
            try {
                if (!grpc.awaitTermination(options.gracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
                    grpc.shutdownNow();
                }
            } catch (InterruptedException e) {
                grpc.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (fileWatcher != null) {
            fileWatcher.shutdownNow();
        }
        for (AutoCloseable c : new AutoCloseable[] {http, webhook, controller, kubernetes}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, "while closing", e);
                }
            }
        }
        if (meters != null) {
            meters.close(); // flushes the last metrics
        }
    }

    /** Standalone mode has no status subresource: rejections and NACKs go to the log (and /policies). */
    private static final class RejectionLog {
        private final Map<String, String> logged = new HashMap<>();

        synchronized void publish(List<PolicyReport> reports) {
            for (PolicyReport r : reports) {
                String line = !r.accepted()
                        ? "policy " + r.key() + " rejected: " + String.join("; ", r.problems())
                        : !r.nackReasons().isEmpty()
                                ? "policy " + r.key() + " NACKed: " + String.join("; ", r.nackReasons())
                                : !r.conflicts().isEmpty()
                                        ? "policy " + r.key() + " conflicts: " + String.join("; ", r.conflicts())
                                        : null;
                if (line != null && !line.equals(logged.get(r.key()))) {
                    LOG.log(System.Logger.Level.WARNING, line);
                }
                if (line == null) {
                    logged.remove(r.key());
                } else {
                    logged.put(r.key(), line);
                }
            }
        }
    }

    static String describe(ControlPlaneServer s, Options o) {
        return "ferry control-plane: gRPC on " + o.bind() + ":" + s.grpcPort()
                + (o.tlsCert() != null ? " (TLS)" : " (plaintext)")
                + (s.httpPort() >= 0 ? ", HTTP on :" + s.httpPort() : "")
                + (s.webhookPort() >= 0 ? ", webhook on :" + s.webhookPort() : "")
                + ", "
                + switch (o.mode()) {
                    case STANDALONE ->
                        "standalone, policies from " + o.policyFile() + " ("
                                + s.plane().store().entries().size() + " loaded)";
                    case KUBECONFIG ->
                        "Kubernetes" + (o.kubeconfig() != null ? " via " + o.kubeconfig() : "") + ", StreamPolicy "
                                + StreamPolicy.GROUP;
                    case IN_CLUSTER -> "Kubernetes in cluster, StreamPolicy " + StreamPolicy.GROUP;
                };
    }
}
