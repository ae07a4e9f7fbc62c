package dev.ferry.control.plane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Command-line options of {@code ferry control-plane}. */
public record Options(
        String bind,
        int port,
        int httpPort,
        Mode mode,
        Path kubeconfig,
        Path policyFile,
        Path tlsCert,
        Path tlsKey,
        int webhookPort,
        Path webhookCertDir,
        String otlpEndpoint,
        Duration otlpInterval,
        String sidecarImage,
        String initImage,
        String advertiseAddress,
        Duration gracePeriod) {

    public enum Mode {
        /** Policies from a YAML file, pods identified by what sidecars say. No Kubernetes. */
        STANDALONE,
        /** A kubeconfig file (or the default lookup: KUBECONFIG, ~/.kube/config). */
        KUBECONFIG,
        /** The pod's service account. */
        IN_CLUSTER
    }

    public static final String USAGE = """
            usage: ferry control-plane [options]
              --port N               gRPC port for sidecars (default 15010)
              --http-port N          admin HTTP: /healthz, /streams, /policies (default 15014, -1 = off)
              --bind ADDR            address to listen on (default 0.0.0.0)
              --standalone --policy-file F   no Kubernetes: StreamPolicies from a YAML file (reloaded on change)
              --kubeconfig F         Kubernetes through this kubeconfig
              --in-cluster           Kubernetes through the pod's service account
              --tls-cert F --tls-key F       serve gRPC over TLS (PEM); plaintext otherwise
              --webhook-cert-dir D   enable the sidecar-injection webhook with D/tls.crt and D/tls.key
              --webhook-port N       HTTPS port of the webhook (default 15017)
              --otlp-endpoint URL    export metrics over OTLP/gRPC (default: $OTEL_EXPORTER_OTLP_ENDPOINT, else off)
              --otlp-interval-ms N   metric export interval (default: $OTEL_METRIC_EXPORT_INTERVAL, else 10000)
              --sidecar-image IMG    image the webhook injects (default ghcr.io/ferry-dev/ferry:latest)
              --init-image IMG       image of the injected init step (default: the sidecar image)
              --advertise ADDR       host:port injected sidecars dial (default ferry-control-plane.ferry-system.svc:15010)
              --grace-period S       graceful shutdown budget in seconds (default 5)
            """;

    public static Options parse(List<String> args) {
        Deque<String> rest = new ArrayDeque<>(args);
        String bind = "0.0.0.0";
        int port = 15010;
        int httpPort = 15014;
        Mode mode = null;
        Path kubeconfig = null;
        Path policyFile = null;
        Path tlsCert = null;
        Path tlsKey = null;
        int webhookPort = 15017;
        Path webhookCertDir = null;
        String otlp = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
        Duration otlpInterval =
                Duration.ofMillis(Long.parseLong(System.getenv().getOrDefault("OTEL_METRIC_EXPORT_INTERVAL", "10000")));
        String sidecarImage = "ghcr.io/ferry-dev/ferry:latest";
        String initImage = null;
        String advertise = "ferry-control-plane.ferry-system.svc:15010";
        Duration grace = Duration.ofSeconds(5);
        while (!rest.isEmpty()) {
            String flag = rest.pop();
            switch (flag) {
                case "--bind" -> bind = value(flag, rest);
                case "--port" -> port = port(flag, value(flag, rest));
                case "--http-port" -> httpPort = Integer.parseInt(value(flag, rest));
                case "--standalone" -> mode = only(mode, Mode.STANDALONE);
                case "--policy-file" -> policyFile = Path.of(value(flag, rest));
                case "--kubeconfig" -> {
                    mode = only(mode, Mode.KUBECONFIG);
                    kubeconfig = Path.of(value(flag, rest));
                }
                case "--in-cluster" -> mode = only(mode, Mode.IN_CLUSTER);
                case "--tls-cert" -> tlsCert = Path.of(value(flag, rest));
                case "--tls-key" -> tlsKey = Path.of(value(flag, rest));
                case "--webhook-port" -> webhookPort = port(flag, value(flag, rest));
                case "--webhook-cert-dir" -> webhookCertDir = Path.of(value(flag, rest));
                case "--otlp-endpoint" -> otlp = value(flag, rest);
                case "--otlp-interval-ms" -> otlpInterval = Duration.ofMillis(Long.parseLong(value(flag, rest)));
                case "--sidecar-image" -> sidecarImage = value(flag, rest);
                case "--init-image" -> initImage = value(flag, rest);
                case "--advertise" -> advertise = value(flag, rest);
                case "-h", "--help" -> throw new HelpRequested();
                case "--grace-period" -> grace = Duration.ofSeconds(Long.parseLong(value(flag, rest)));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (mode == null) {
            mode = policyFile != null ? Mode.STANDALONE : Mode.KUBECONFIG;
        }
        if (mode == Mode.STANDALONE && policyFile == null) {
            throw new IllegalArgumentException("--standalone needs --policy-file F");
        }
        if (mode != Mode.STANDALONE && policyFile != null) {
            throw new IllegalArgumentException("--policy-file is for --standalone mode");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return new Options(
                bind,
                port,
                httpPort,
                mode,
                kubeconfig,
                policyFile,
                tlsCert,
                tlsKey,
                webhookPort,
                webhookCertDir,
                otlp == null || otlp.isBlank() ? null : otlp,
                otlpInterval,
                sidecarImage,
                initImage == null ? sidecarImage : initImage,
                advertise,
                grace);
    }

    /** Thrown by {@link #parse} for -h/--help. */
    public static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("help", null, false, false);
        }
    }

    private static Mode only(Mode current, Mode next) {
        if (current != null && current != next) {
            throw new IllegalArgumentException("choose one of --standalone, --kubeconfig, --in-cluster");
        }
        return next;
    }

    private static String value(String flag, Deque<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.pop();
    }

    private static int port(String flag, String text) {
        int port = Integer.parseInt(text);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be 0..65535");
        }
        return port;
    }
}
