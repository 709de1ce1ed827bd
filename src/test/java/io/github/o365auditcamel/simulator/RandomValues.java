package io.github.o365auditcamel.simulator;

import java.util.Random;
import java.util.UUID;

/**
 * Small invented values of audit records, each drawn from the {@link Random} passed in (so that a seed makes them
 * deterministic): GUIDs, documentation IP addresses (RFC 5737 / RFC 3849), Exchange server names, hex strings, and
 * a pick among options.
 */
final class RandomValues {

    private RandomValues() {
    }

    /** A random version-4 GUID drawn from {@code rnd} (so that a seed makes it deterministic). */
    static String uuid(Random rnd) {
        long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** An IPv4 or IPv6 address of a documentation range. */
    static String ip(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> "198.51.100." + (1 + rnd.nextInt(254));
            case 1 -> "203.0.113." + (1 + rnd.nextInt(254));
            case 2 -> "192.0.2." + (1 + rnd.nextInt(254));
            default -> "2001:db8:" + Integer.toHexString(rnd.nextInt(0xffff)) + "::"
                    + Integer.toHexString(1 + rnd.nextInt(0xfffe));
        };
    }

    /** An Exchange Online server name with its build, as in OriginatingServer. */
    static String server(Random rnd) {
        return "PH0PR01MB" + (1000 + rnd.nextInt(9000)) + " (15.20.7" + (100 + rnd.nextInt(800)) + ".0"
                + (10 + rnd.nextInt(80)) + ")";
    }

    /** {@code n} random lower-case hex digits. */
    static String hex(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }

    /** One of the options, chosen at random. */
    @SafeVarargs
    static <T> T pick(Random rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }
}
