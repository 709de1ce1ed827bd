package io.github.o365auditcamel.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A time range of a tenant's content type that the Management Activity API no longer serves (the collector was
 * stopped longer than the 7 days it keeps content), repaired through Microsoft Graph's audit log query API. It lives in
 * the state topic ({@code gap|<tenant id>|<content type>@<from>}), so that the repair survives restarts and moves to
 * another instance with the tenant's listing.
 * <p>
 * The gap owns the records whose {@code CreationTime} lies in {@code [from, to)}: Graph publishes them, and a blob the
 * Management API serves leaves them out ({@link #owns}), so that a record is published once whichever source serves
 * it. Records published before the stop are found in Kafka (published before {@code publishedBefore}) and not
 * published again.
 *
 * @param contentType the content type whose records the gap holds
 * @param from the oldest CreationTime of the gap (the checkpoint when the gap was found, less a look-behind for
 *        records that arrived in later blobs)
 * @param to the end: the oldest time the Management API was listed from after the gap was found
 * @param repairedTo how far the repair got: every record of {@code [from, repairedTo)} is in Kafka
 * @param publishedBefore records of the gap published before the stop have a Kafka timestamp before this
 * @param records how many records the repair has published so far
 */
public record Gap(String contentType, Instant from, Instant to, Instant repairedTo, Instant publishedBefore,
        long records) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** CreationTime as served: UTC, to the second, without a zone ({@code 2026-12-07T04:12:45}). */
    private static final DateTimeFormatter SERVED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final int SERVED_LENGTH = 19;

    /** A gap just found: nothing of it repaired yet. */
    public static Gap found(String contentType, Instant from, Instant to, Instant publishedBefore) {
        Instant start = from.truncatedTo(ChronoUnit.SECONDS);
        return new Gap(contentType, start, to.truncatedTo(ChronoUnit.SECONDS), start, publishedBefore, 0);
    }

    /** Whether every record of the gap is in Kafka. */
    public boolean repaired() {
        return !repairedTo.isBefore(to);
    }

    /** The gap after {@code published} more records, up to {@code upTo}. */
    public Gap repairedTo(Instant upTo, long published) {
        return new Gap(contentType, from, to, upTo, publishedBefore, records + published);
    }

    /** Its key in the state topic, after the tenant's: {@code <content type>@<from>}. */
    String keySuffix() {
        return contentType + "@" + from;
    }

    /**
     * Whether the record's CreationTime (as served: {@code 2026-12-07T04:12:45}, perhaps with fractions or a zone)
     * lies in the gap; false when it has none.
     */
    public boolean owns(String creationTime) {
        return owner(List.of(this)).test(creationTime);
    }

    /**
     * Whether one of the gaps owns a record's CreationTime: the gaps' bounds are formatted once, as the records
     * serve them, so that each record costs two string comparisons per gap.
     */
    public static Predicate<String> owner(List<Gap> gaps) {
        if (gaps.isEmpty()) {
            return creationTime -> false;
        }
        String[] bounds = new String[gaps.size() * 2];
        for (int i = 0; i < gaps.size(); i++) {
            bounds[2 * i] = SERVED.format(gaps.get(i).from);
            bounds[2 * i + 1] = SERVED.format(gaps.get(i).to);
        }
        return creationTime -> {
            if (creationTime == null || creationTime.length() < SERVED_LENGTH) {
                return false;
            }
            String second = creationTime.substring(0, SERVED_LENGTH);
            for (int i = 0; i < bounds.length; i += 2) {
                if (second.compareTo(bounds[i]) >= 0 && second.compareTo(bounds[i + 1]) < 0) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The state topic's value. */
    String toJson() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("contentType", contentType);
        value.put("from", from.toString());
        value.put("to", to.toString());
        value.put("repairedTo", repairedTo.toString());
        value.put("publishedBefore", publishedBefore.toString());
        value.put("records", records);
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a state topic value; null when it is not one this version wrote. */
    static Gap parse(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new Gap(node.get("contentType").asText(), Instant.parse(node.get("from").asText()),
                    Instant.parse(node.get("to").asText()), Instant.parse(node.get("repairedTo").asText()),
                    Instant.parse(node.get("publishedBefore").asText()), node.path("records").asLong());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
