package dev.ferry.control.client;

/**
 * Applies an accepted policy to the running sidecar. Called on the client's stream thread, one
 * call at a time, in version order. Throwing rejects the version: the client NACKs it with the
 * exception's message and keeps the previous policy as the last good one.
 */
@FunctionalInterface
public interface PolicyListener {
    void apply(AppliedPolicy policy) throws Exception;
}
