package dev.ferry.control.plane.webhook;

/**
 * What the webhook injects.
 *
 * @param sidecarImage image of the sidecar (native sidecar: an init container that keeps running)
 * @param initImage image of the interception init step (nftables)
 * @param controlPlaneAddress host:port of this control plane's gRPC service, as pods reach it
 */
public record InjectionSettings(String sidecarImage, String initImage, String controlPlaneAddress) {

    /** The sidecar's own admin/health port: never intercepted. */
    public static final int SIDECAR_ADMIN_PORT = 15020;
}
