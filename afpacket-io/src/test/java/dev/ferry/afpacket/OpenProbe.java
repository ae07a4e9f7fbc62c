package dev.ferry.afpacket;

/** Run in a child JVM by {@link ErrorsTest}: opens a packet socket on the given device, prints the outcome. */
public final class OpenProbe {
    private OpenProbe() {}

    public static void main(String[] args) {
        try (PacketSocket socket = PacketSocket.builder(args[0]).txRing(0, 0).open()) {
            System.out.println("opened " + socket.interfaceName());
        } catch (AfPacketException e) {
            System.out.println("failed: " + e.getMessage());
            System.exit(3);
        }
    }
}
