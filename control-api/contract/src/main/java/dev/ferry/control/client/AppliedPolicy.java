package dev.ferry.control.client;

import dev.ferry.control.v1.Policy;

/** A policy the sidecar accepted and runs, with the version the control plane gave it. */
public record AppliedPolicy(String version, Policy policy) {}
