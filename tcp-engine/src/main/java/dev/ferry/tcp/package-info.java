/**
 * Ferry's TCP engine: pure Java, no dependencies. Time, randomness and I/O are passed in, so the
 * engine runs the same over AF_PACKET rings and over the in-memory link of the simulations.
 */
package dev.ferry.tcp;
