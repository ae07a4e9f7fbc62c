/**
 * The application's view of a stream: {@link dev.ferry.tcp.api.Stream} operations and {@link
 * dev.ferry.tcp.api.StreamHandler} callbacks on the shard thread, and {@link
 * dev.ferry.tcp.api.BlockingStream}, an {@code InputStream}/{@code OutputStream} adapter for
 * application threads (virtual threads included).
 *
 * <p>This package knows nothing of TCP's internals: {@code dev.ferry.tcp.conn} implements it.
 */
package dev.ferry.tcp.api;
