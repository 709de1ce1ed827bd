package io.github.o365auditcamel.simulator;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Time formats of the Management Activity API (reference sections 3.6, 4.5, 4.7). */
final class ApiTime {

    /** {@code contentCreated} / {@code contentExpiration} in listings. */
    static final DateTimeFormatter LISTING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** First 17 digits of each timestamp inside a contentId. */
    static final DateTimeFormatter CONTENT_ID =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Token endpoint error timestamps: {@code 2025-03-04 09:15:27Z}. */
    static final DateTimeFormatter AAD_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * {@code YYYY-MM-DD}, {@code YYYY-MM-DDTHH:MM}, {@code YYYY-MM-DDTHH:MM:SS}, optional fractional seconds, optional
     * {@code Z} or numeric offset (a {@code +} that arrived unencoded and became a space is tolerated).
     */
    private static final Pattern QUERY_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?"
                    + "(Z|[+\\- ]\\d{2}:?\\d{2})?",
            Pattern.CASE_INSENSITIVE);

    private ApiTime() {
    }

    /** Parses a startTime/endTime query value (always UTC unless an offset is given); null if not acceptable. */
    static Instant parseQueryTime(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = QUERY_TIME.matcher(value.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
            int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            int nanos = 0;
            if (m.group(7) != null) {
                String frac = (m.group(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(frac);
            }
            LocalDateTime ldt = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), hour, minute, second, nanos);
            ZoneOffset offset = ZoneOffset.UTC;
            String zone = m.group(8);
            if (zone != null && !zone.equalsIgnoreCase("Z")) {
                String digits = zone.substring(1).replace(":", "");
                int total = Integer.parseInt(digits.substring(0, 2)) * 3600 + Integer.parseInt(digits.substring(2)) * 60;
                offset = ZoneOffset.ofTotalSeconds(zone.charAt(0) == '-' ? -total : total);
            }
            return ldt.toInstant(offset);
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    static String listing(Instant instant) {
        return LISTING.format(instant);
    }
}
