package io.github.o365auditcamel.simulator;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the simulator reads a request: percent-decoded path segments, query and form parameters, and the syntax checks
 * its endpoints share (GUIDs, blank values); and how it percent-encodes the URLs it writes.
 */
final class RequestSyntax {

    static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private RequestSyntax() {
    }

    /** Percent-decoded path segments (without the leading empty one); null if the path is malformed. */
    static List<String> pathSegments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        List<String> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            String decoded = percentDecode(p);
            if (decoded == null) {
                return null;
            }
            out.add(decoded);
        }
        return out;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Query parameters with lower-cased names (names are case-insensitive); the first value wins. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodeForm(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeForm(pair.substring(eq + 1));
            out.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
        }
        return out;
    }

    /** application/x-www-form-urlencoded body; names are case-sensitive; the first value wins. */
    static Map<String, String> formParameters(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.putIfAbsent(decodeForm(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decodeForm(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decodeForm(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Percent-encodes everything except RFC 3986 unreserved characters and ':' (kept readable in timestamps). */
    static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':')) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
