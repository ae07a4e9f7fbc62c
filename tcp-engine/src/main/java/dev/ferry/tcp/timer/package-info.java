/**
 * The shard's timing wheel: one armed deadline per connection, identified by the connection's int
 * id, armed and cancelled in O(1) without allocation, expired in batches from the shard loop.
 */
package dev.ferry.tcp.timer;
