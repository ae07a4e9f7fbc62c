package dev.ferry.control.client;

import dev.ferry.control.v1.PolicyPush;
import dev.ferry.control.v1.PolicyReply;
import dev.ferry.control.v1.PolicyServiceGrpc;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.SidecarMessage;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A control plane driven by the test: it records what sidecars say and pushes what it is told. */
final class ScriptedPolicyService extends PolicyServiceGrpc.PolicyServiceImplBase {

    final BlockingQueue<SidecarHello> hellos = new LinkedBlockingQueue<>();
    final BlockingQueue<PolicyReply> replies = new LinkedBlockingQueue<>();
    private volatile StreamObserver<PolicyPush> latest;

    @Override
    public StreamObserver<SidecarMessage> streamPolicy(StreamObserver<PolicyPush> pushes) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SidecarMessage message) {
                switch (message.getBodyCase()) {
                    case HELLO -> {
                        latest = pushes;
                        hellos.add(message.getHello());
                    }
                    case REPLY -> replies.add(message.getReply());
                    default -> throw new AssertionError("empty message");
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                pushes.onCompleted();
            }
        };
    }

    /** Pushes on the stream of the latest sidecar that said hello, and waits for its reply. */
    synchronized PolicyReply pushAndAwaitReply(PolicyPush push) throws InterruptedException {
        latest.onNext(push);
        return take(replies);
    }

    static <T> T take(BlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
            throw new AssertionError("nothing arrived within 10 s");
        }
        return item;
    }
}
