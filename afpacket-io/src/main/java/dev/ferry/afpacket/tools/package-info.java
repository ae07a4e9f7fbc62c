/** Command-line measuring tools for the rings (run with {@code java -cp afpacket-io/target/classes:...}). */
package dev.ferry.afpacket.tools;
