package dev.ferry.control.plane.webhook;

import io.fabric8.kubernetes.client.internal.CertUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Builds a server SSLContext from PEM files as Kubernetes TLS Secrets hold them (tls.crt, tls.key). */
public final class TlsFiles {

    private TlsFiles() {}

    public static SSLContext serverContext(Path certificate, Path privateKey) throws IOException {
        char[] password = "ferry".toCharArray(); // protects only the in-memory key store
        IOException last = null;
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try (InputStream cert = Files.newInputStream(certificate);
                    InputStream key = Files.newInputStream(privateKey)) {
                KeyStore store = CertUtils.createKeyStore(cert, key, algorithm, password, null, password);
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // Not this algorithm (or not a key at all): try the next, report the last failure.
                last = new IOException(
                        "cannot load TLS key pair " + certificate + " / " + privateKey + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }
}
