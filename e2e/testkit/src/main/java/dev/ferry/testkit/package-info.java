/**
 * Test support shared by every module: network namespaces ({@link dev.ferry.testkit.NetNs}), veth
 * pairs ({@link dev.ferry.testkit.VethPair}), nftables packet loss ({@link
 * dev.ferry.testkit.NftLoss}), processes with captured output ({@link
 * dev.ferry.testkit.ManagedProcess}) and required tools ({@link dev.ferry.testkit.Tools}).
 *
 * <p>Every resource is {@link java.lang.AutoCloseable} and named uniquely per JVM (the process id is
 * in the name), so parallel test runs never collide. Whatever a test leaves behind is removed by a
 * shutdown hook, and whatever a killed JVM left behind is swept by the next run ({@link
 * dev.ferry.testkit.Cleanup#sweepStale()}). Missing root or a missing tool fails the test with its
 * reason: nothing here skips.
 */
package dev.ferry.testkit;
