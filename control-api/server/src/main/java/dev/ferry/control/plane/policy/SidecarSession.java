package dev.ferry.control.plane.policy;

import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.PolicyPush;
import dev.ferry.control.v1.SidecarHello;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * One connected sidecar's policy stream and what it was sent and answered. All fields are guarded
 * by the session's own monitor: pushes (reconcile thread) and replies (gRPC thread) both touch it.
 */
final class SidecarSession {
    final SidecarHello hello;
    final StreamObserver<PolicyPush> pushes;

    long nextNonce;
    /** What the selection looked like at the last reconcile: the policies merged, or why none. */
    List<String> selectedKeys = List.of();

    List<String> mergeProblems = List.of();

    String pushedVersion; // null until the first push
    Policy pushedPolicy;
    String pushedNonce;
    boolean pushedAsDelta;

    String ackedVersion; // the version the sidecar runs, as far as we know
    Policy ackedPolicy;

    String nackReason; // set when the last push was NACKed, cleared by the next ACK

    boolean heldBack; // a push waits for the transport to drain

    SidecarSession(SidecarHello hello, StreamObserver<PolicyPush> pushes) {
        this.hello = hello;
        this.pushes = pushes;
        this.ackedVersion = hello.getAppliedVersion().isEmpty() ? null : hello.getAppliedVersion();
    }

    String podKey() {
        return hello.getNamespace() + "/" + hello.getPod();
    }
}
