package dev.ferry.control.policy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/8} or {@code fd00::/8}.
 *
 * <p>Parsing is strict and never touches DNS: the address must be a literal, the prefix length
 * must fit the family, and host bits must be zero (a CIDR with host bits set is almost always a
 * typo for a different rule, so it is refused rather than silently masked).
 */
public record Cidr(byte[] address, int prefixLength) {

    public Cidr {
        address = address.clone();
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + address.length);
        }
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
    }

    /** Parses {@code address/length}; throws {@link IllegalArgumentException} with a readable message. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR (expected address/prefix-length)");
        }
        String literal = text.substring(0, slash);
        String lengthText = text.substring(slash + 1);
        byte[] bytes;
        try {
            if (literal.isEmpty() || !literal.chars().allMatch(Cidr::isLiteralChar)) {
                throw new IllegalArgumentException("not an IP literal");
            }
            bytes = InetAddress.ofLiteral(literal).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid IP address '" + literal + "'");
        }
        int length;
        try {
            length = Integer.parseInt(lengthText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has an invalid prefix length '" + lengthText + "'");
        }
        if (length < 0 || length > bytes.length * 8) {
            throw new IllegalArgumentException(
                    "'" + text + "' has prefix length " + length + ", more than " + bytes.length * 8 + " bits");
        }
        Cidr cidr = new Cidr(bytes, length);
        if (!cidr.hostBitsZero()) {
            throw new IllegalArgumentException("'" + text + "' has host bits set beyond /" + length);
        }
        return cidr;
    }

    private static boolean isLiteralChar(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    /** True when {@code other} lies inside this prefix (same family, longer or equal prefix). */
    public boolean contains(Cidr other) {
        return other.address.length == address.length
                && other.prefixLength >= prefixLength
                && samePrefix(other.address, prefixLength);
    }

    /** True when the address (4 or 16 bytes) lies inside this prefix. */
    public boolean contains(byte[] otherAddress) {
        return otherAddress.length == address.length && samePrefix(otherAddress, prefixLength);
    }

    /** True when the two prefixes share at least one address. */
    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    private boolean samePrefix(byte[] other, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != other[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (other[full] & mask);
    }

    private boolean hostBitsZero() {
        for (int bit = prefixLength; bit < address.length * 8; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            return HexFormat.of().formatHex(address) + "/" + prefixLength; // unreachable: length checked
        }
    }
}
