package dev.ferry.afpacket;

import dev.ferry.testkit.NetNs;

/** Small kernel-side actions of the peer host, as python3 one-liners (the system python has no extras). */
final class Peer {
    private Peer() {}

    /** Tries a TCP connect with a 1 s timeout; returns "connected", "refused" or "timeout". */
    static String connect(NetNs ns, String address, int port) {
        String family = address.contains(":") ? "socket.AF_INET6" : "socket.AF_INET";
        return ns.exec(
                        "/usr/bin/python3",
                        "-c",
                        String.join(
                                "\n",
                                "import socket",
                                "s = socket.socket(" + family + ", socket.SOCK_STREAM)",
                                "s.settimeout(1.0)",
                                "try:",
                                "    s.connect(('" + address + "', " + port + "))",
                                "    print('connected')",
                                "except ConnectionRefusedError:",
                                "    print('refused')",
                                "except (socket.timeout, TimeoutError):",
                                "    print('timeout')"))
                .stdout()
                .strip();
    }

    /** Sends {@code count} UDP datagrams from each of the given source ports; payload = 4-byte index. */
    static void udpFromPorts(NetNs ns, String address, int port, int firstSourcePort, int sourcePorts, int count) {
        ns.exec(
                "/usr/bin/python3",
                "-c",
                String.join(
                        "\n",
                        "import socket",
                        "for sp in range(" + firstSourcePort + ", " + (firstSourcePort + sourcePorts) + "):",
                        "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                        "    s.bind(('0.0.0.0', sp))",
                        "    for i in range(" + count + "):",
                        "        s.sendto(i.to_bytes(4, 'big'), ('" + address + "', " + port + "))",
                        "    s.close()"));
    }

    /** Sends {@code bytes} over one TCP connection to address:port, then closes. */
    static void tcpBulk(NetNs ns, String address, int port, int bytes) {
        ns.exec(
                "/usr/bin/python3",
                "-c",
                String.join(
                        "\n",
                        "import socket",
                        "s = socket.create_connection(('" + address + "', " + port + "), timeout=10)",
                        "s.sendall(bytes(" + bytes + "))",
                        "s.shutdown(socket.SHUT_WR)",
                        "s.recv(1)",
                        "s.close()"));
    }
}
