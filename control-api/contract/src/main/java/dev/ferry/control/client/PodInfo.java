package dev.ferry.control.client;

import dev.ferry.control.v1.SidecarHello;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who the sidecar is, as the injection webhook sets it up: {@code POD_NAME} and
 * {@code POD_NAMESPACE} in the environment, the pod's labels in a downward-API file
 * ({@code /etc/ferry/podinfo/labels}, lines of {@code key="value"}).
 */
public final class PodInfo {

    private PodInfo() {}

    /** The hello for this pod; labels are empty when the file does not exist (outside Kubernetes). */
    public static SidecarHello hello(Map<String, String> environment, Path podInfoDir, String sidecarVersion)
            throws IOException {
        String pod = environment.getOrDefault("POD_NAME", "");
        String namespace = environment.getOrDefault("POD_NAMESPACE", "");
        if (pod.isEmpty() || namespace.isEmpty()) {
            throw new IOException("POD_NAME and POD_NAMESPACE must be set (the injection webhook sets them)");
        }
        Path labels = podInfoDir.resolve("labels");
        return SidecarHello.newBuilder()
                .setPod(pod)
                .setNamespace(namespace)
                .putAllLabels(Files.exists(labels) ? parseLabels(Files.readString(labels)) : Map.of())
                .setSidecarVersion(sidecarVersion)
                .build();
    }

    /** Parses the downward API's {@code key="value"} lines (values quoted with Go's escapes). */
    public static Map<String, String> parseLabels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || line.length() < eq + 3 || line.charAt(eq + 1) != '"' || !line.endsWith("\"")) {
                throw new IllegalArgumentException("not a downward-API label line: " + line);
            }
            labels.put(line.substring(0, eq), unquote(line.substring(eq + 2, line.length() - 1)));
        }
        return labels;
    }

    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c != '\\' || i + 1 == quoted.length()) {
                out.append(c);
                continue;
            }
            char next = quoted.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'x' -> {
                    out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                case 'u' -> {
                    out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next); // \" and \\
            }
        }
        return out.toString();
    }
}
