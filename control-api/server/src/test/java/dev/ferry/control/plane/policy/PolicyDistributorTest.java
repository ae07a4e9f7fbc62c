package dev.ferry.control.plane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.v1.PolicyPush;
import dev.ferry.control.v1.PolicyReply;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.SidecarMessage;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The distributor driven directly, without a transport, for the cases a transport makes racy. */
class PolicyDistributorTest {

    private final PolicyStore store = new PolicyStore();
    private final PolicyDistributor distributor = new PolicyDistributor(store, PodDirectory.TRUST_SIDECAR);

    private static final class Recorder implements StreamObserver<PolicyPush> {
        final List<PolicyPush> pushes = new ArrayList<>();
        boolean gone;

        @Override
        public void onNext(PolicyPush push) {
            if (gone) {
                throw new IllegalStateException("call already cancelled");
            }
            pushes.add(push);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }

    /** A server call whose transport readiness the test controls. */
    private static final class SlowCall extends io.grpc.stub.ServerCallStreamObserver<PolicyPush> {
        final List<PolicyPush> pushes = new ArrayList<>();
        boolean ready = true;
        Runnable onReady;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
            onReady = handler;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {}

        @Override
        public void setCompression(String compression) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}

        @Override
        public void onNext(PolicyPush push) {
            pushes.add(push);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }

    @Test
    void aSidecarThatDoesNotReadGetsOnlyTheNewestVersionOnceItDrains() {
        apply(10, 1);
        SlowCall call = new SlowCall();
        StreamObserver<SidecarMessage> in = distributor.streamPolicy(call);
        in.onNext(SidecarMessage.newBuilder()
                .setHello(SidecarHello.newBuilder()
                        .setPod("slow")
                        .setNamespace("shop")
                        .putLabels("app", "web"))
                .build());
        assertThat(call.pushes).hasSize(1);

        call.ready = false; // the sidecar stopped reading; its transport window is full
        for (int v = 2; v <= 5; v++) {
            apply(10 * v, v);
            distributor.refreshAll();
        }
        assertThat(call.pushes).as("nothing queued behind a full transport").hasSize(1);
        assertThat(distributor.heldBackPushes()).isEqualTo(4);

        call.ready = true;
        call.onReady.run();
        assertThat(call.pushes).hasSize(2);
        PolicyPush newest = call.pushes.get(1);
        assertThat(newest.hasSnapshot()).as("v1 was never ACKed: a snapshot").isTrue();
        assertThat(newest.getSnapshot().getListeners(0).getRules().getMaxConnections())
                .isEqualTo(50);
    }

    private StreamObserver<SidecarMessage> connect(Recorder recorder, String pod) {
        StreamObserver<SidecarMessage> in = distributor.streamPolicy(recorder);
        in.onNext(SidecarMessage.newBuilder()
                .setHello(SidecarHello.newBuilder()
                        .setPod(pod)
                        .setNamespace("shop")
                        .putLabels("app", "web"))
                .build());
        return in;
    }

    /** Three ports, only port 80 changes: a delta is smaller than the snapshot. */
    private void apply(int maxConnections, long generation) {
        StreamPolicy p = TestPolicies.web("limits", """
                - port: 80
                  maxConnections: %d
                - port: 443
                  allow: ["10.0.0.0/8", "192.168.0.0/16"]
                  timeouts: {idle: 5m, handshake: 5s, drain: 30s}
                - port: 9090
                  deny: ["10.66.0.0/16"]
                  byteRates: {streamEgress: {ratePerSecond: 1000000, burst: 65536}}
                """.formatted(maxConnections));
        store.upsert("shop", "limits", generation, p.getSpec());
    }

    private static void ack(StreamObserver<SidecarMessage> in, PolicyPush push) {
        in.onNext(SidecarMessage.newBuilder()
                .setReply(PolicyReply.newBuilder()
                        .setVersion(push.getVersion())
                        .setNonce(push.getNonce())
                        .setAccepted(true))
                .build());
    }

    @Test
    void aVanishedSidecarDoesNotStopTheRefreshOfTheOthers() {
        apply(10, 1);
        Recorder vanished = new Recorder();
        Recorder healthy = new Recorder();
        connect(vanished, "a");
        connect(healthy, "b");
        assertThat(distributor.connectedSidecars()).isEqualTo(2);

        vanished.gone = true;
        apply(20, 2);
        distributor.refreshAll();
        assertThat(healthy.pushes).hasSize(2);
        assertThat(distributor.connectedSidecars()).isEqualTo(1);
        assertThat(distributor.abandonedPushes()).isEqualTo(1);
    }

    @Test
    void repliesToSupersededPushesAreIgnoredAndANackedDeltaIsResentWhole() {
        apply(10, 1);
        Recorder sidecar = new Recorder();
        StreamObserver<SidecarMessage> in = connect(sidecar, "a");
        ack(in, sidecar.pushes.get(0));

        apply(20, 2);
        distributor.refreshAll();
        apply(30, 3);
        distributor.refreshAll();
        PolicyPush second = sidecar.pushes.get(1);
        PolicyPush third = sidecar.pushes.get(2);
        assertThat(third.hasSnapshot())
                .as("v2 was never ACKed: no base for a delta")
                .isTrue();
        ack(in, second); // arrives late: superseded by the third push
        assertThat(distributor.staleReplies()).isEqualTo(1);
        ack(in, third);

        apply(40, 4);
        distributor.refreshAll();
        PolicyPush delta = sidecar.pushes.get(3);
        assertThat(delta.hasDelta()).isTrue();
        assertThat(delta.getBaseVersion()).isEqualTo(third.getVersion());
        in.onNext(SidecarMessage.newBuilder()
                .setReply(PolicyReply.newBuilder()
                        .setVersion(delta.getVersion())
                        .setNonce(delta.getNonce())
                        .setReason("delta for base version 'x' but running 'y'"))
                .build());
        PolicyPush resent = sidecar.pushes.get(4);
        assertThat(resent.hasSnapshot()).isTrue();
        assertThat(resent.getVersion()).isEqualTo(delta.getVersion());
        assertThat(resent.getSnapshot().getListeners(0).getRules().getMaxConnections())
                .isEqualTo(40);
    }
}
