package dev.ferry.control.policy;

import com.google.protobuf.CodedOutputStream;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.Policy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;

/**
 * Canonical form and content version of a policy.
 *
 * <p>The version is a hash of the canonical, deterministic encoding: equal policies get equal
 * versions on every control-plane replica and across restarts, so a sidecar that reconnects with
 * the version it already runs needs no new push.
 */
public final class PolicyVersions {

    private PolicyVersions() {}

    /** The policy with its listeners sorted by port (the order carries no meaning). */
    public static Policy canonical(Policy policy) {
        return policy.toBuilder()
                .clearListeners()
                .addAllListeners(policy.getListenersList().stream()
                        .sorted(Comparator.comparingInt(ListenerPolicy::getPort))
                        .toList())
                .build();
    }

    /**
     * A 16-hex-digit content version of the canonical policy's listeners. {@code sources} is left
     * out: provenance alone changing is no reason to push.
     */
    public static String versionOf(Policy policy) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization(); // map order must not change the version
            canonical(policy).toBuilder().clearSources().build().writeTo(out);
            out.flush();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
