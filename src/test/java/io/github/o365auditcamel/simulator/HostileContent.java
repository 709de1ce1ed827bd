package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * The bodies and answers of {@link HostileReference}s: made here, served by {@link BlobEndpoint}.
 */
final class HostileContent {

    /** Where a {@link HostileReference#REDIRECT} sends the client: the cloud instance metadata endpoint. */
    static final String REDIRECT_LOCATION = "http://169.254.169.254/latest/meta-data/";
    /** The exact size of the huge (middle) record of a {@link HostileReference#HUGE_RECORD} body: 1.5 MiB. */
    static final int HUGE_RECORD_BYTES = 3 * 512 * 1024;
    /** Spaces between the brackets of a {@link HostileReference#BLANK_BOMB} body: 200 MiB. */
    static final long BLANK_BOMB_SPACES = 200L * 1024 * 1024;
    /** The inflated size of a {@link HostileReference#BLANK_BOMB} body: {@code [}, the spaces, {@code ]}. */
    static final long BLANK_BOMB_INFLATED_BYTES = BLANK_BOMB_SPACES + 2;
    /** What follows the realistic part of a {@link HostileReference#BAD_CONTENT_ID}'s contentId. */
    static final String BAD_CONTENT_ID_TAIL = "\r\nFAKE LOG LINE level=ERROR\u0007\u001b[31m\t\u001b[0m";
    /** Records in a {@link HostileReference#WRONG_CONTENT_TYPE} body. */
    static final int WRONG_TYPE_RECORDS = 5;

    private static final String REDIRECT_PAGE = "<html><head><title>Object moved</title></head><body>"
            + "<h2>Object moved to <a href=\"" + REDIRECT_LOCATION + "\">here</a>.</h2></body></html>";
    private static final char[] PADDING_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** The types a WRONG_CONTENT_TYPE entry claims by default, in turn. */
    private static final List<String> CLAIM_ORDER =
            List.of(RecordFactory.AAD, RecordFactory.EXCHANGE, RecordFactory.SHAREPOINT, RecordFactory.GENERAL);

    private HostileContent() {
    }

    /** The gzip-compressed {@link HostileReference#BLANK_BOMB} body, made on first use (once per JVM). */
    static byte[] blankBombGzip() {
        return Bomb.GZIPPED;
    }

    /** Holder: the bomb is deflated only when first needed. */
    private static final class Bomb {
        static final byte[] GZIPPED = build();

        /** Streams the spaces through the deflater in 64 KiB chunks: the 200 MiB body is never held. */
        private static byte[] build() {
            byte[] spaces = new byte[64 * 1024];
            Arrays.fill(spaces, (byte) ' ');
            ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
            try (GZIPOutputStream z = new GZIPOutputStream(out, 64 * 1024)) {
                z.write('[');
                for (long left = BLANK_BOMB_SPACES; left > 0; left -= spaces.length) {
                    z.write(spaces, 0, (int) Math.min(spaces.length, left));
                }
                z.write(']');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    /**
     * The stored body of a reference: the bytes a 200 answer sends (empty for those never answered from a body),
     * start/end offsets of its deliverable records inside it, the ids of its deliverable and undeliverable records.
     */
    record Body(byte[] body, int[] offsets, List<String> deliverableIds, List<String> undeliverableIds) {
    }

    /**
     * The stored body of a reference of that kind listed under {@code listedUnder} (claiming {@code claimed});
     * {@code newRecord} makes a realistic compact record of a content type.
     */
    static Body body(HostileReference kind, ObjectMapper mapper, Random random, String listedUnder, String claimed,
                     Function<String, byte[]> newRecord) {
        List<String> deliverable = new ArrayList<>();
        List<String> undeliverable = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] offsets = new int[0];
        switch (kind) {
            case HUGE_RECORD -> {
                // a normal record, the huge one, a normal record
                offsets = new int[4];
                out.write('[');
                for (int r = 0; r < 3; r++) {
                    byte[] rec = newRecord.apply(listedUnder);
                    if (r == 1) {
                        rec = hugeRecord(mapper, rec, random);
                    }
                    if (r > 0) {
                        out.write(',');
                    }
                    int start = out.size();
                    out.writeBytes(rec);
                    if (r != 1) {
                        offsets[r == 0 ? 0 : 2] = start;
                        offsets[r == 0 ? 1 : 3] = out.size();
                    }
                    (r == 1 ? undeliverable : deliverable).add(recordId(mapper, rec));
                }
                out.write(']');
            }
            case WRONG_CONTENT_TYPE -> {
                out.write('[');
                for (int r = 0; r < WRONG_TYPE_RECORDS; r++) {
                    byte[] rec = newRecord.apply(claimed);
                    if (r > 0) {
                        out.write(',');
                    }
                    out.writeBytes(rec);
                    undeliverable.add(recordId(mapper, rec));
                }
                out.write(']');
            }
            default -> {
                // MISSING_CONTENT_URI, BAD_CONTENT_ID (404), REDIRECT, BLANK_BOMB (answered here): no stored body
            }
        }
        return new Body(out.toByteArray(), offsets, deliverable, undeliverable);
    }

    /** The type a WRONG_CONTENT_TYPE entry listed under {@code listedUnder} claims by default. */
    static String defaultClaimedType(String listedUnder) {
        int i = CLAIM_ORDER.indexOf(listedUnder);
        return i < 0 ? RecordFactory.GENERAL : CLAIM_ORDER.get((i + 1) % CLAIM_ORDER.size());
    }

    /**
     * {@code record} (a realistic compact JSON record) with one more ExtendedProperties entry
     * {@code {"Name":"Padding","Value":"..."}} whose value makes the whole record exactly {@link #HUGE_RECORD_BYTES}
     * long; letters and digits drawn from {@code random}, so that it does not compress away.
     */
    static byte[] hugeRecord(ObjectMapper mapper, byte[] record, Random random) {
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(record);
            JsonNode existing = node.get("ExtendedProperties");
            ArrayNode ext = existing instanceof ArrayNode array ? array : node.putArray("ExtendedProperties");
            ObjectNode padding = ext.addObject();
            padding.put("Name", "Padding");
            padding.put("Value", "");
            int missing = HUGE_RECORD_BYTES - mapper.writeValueAsBytes(node).length;
            if (missing < 0) {
                throw new IllegalStateException("record already larger than " + HUGE_RECORD_BYTES);
            }
            char[] value = new char[missing];
            for (int i = 0; i < value.length; i++) {
                value[i] = PADDING_ALPHABET[random.nextInt(PADDING_ALPHABET.length)];
            }
            padding.put("Value", new String(value));
            byte[] out = mapper.writeValueAsBytes(node);
            if (out.length != HUGE_RECORD_BYTES) {
                throw new IllegalStateException("huge record of " + out.length + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code "Id"} of a compact JSON record. */
    static String recordId(ObjectMapper mapper, byte[] record) {
        try {
            return mapper.readTree(record).path("Id").asText(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 302 to {@link #REDIRECT_LOCATION}, with an IIS-like "Object moved" page. */
    static void sendRedirect(HttpExchange ex) throws IOException {
        byte[] page = RecordFactory.utf8(REDIRECT_PAGE);
        ApiResponses.apiHeaders(ex, false, "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Location", REDIRECT_LOCATION);
        ex.sendResponseHeaders(302, page.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(page);
        }
    }

    /** 200 with the gzip-compressed blank bomb, Content-Encoding gzip whatever the request accepts. */
    static void sendBlankBomb(HttpExchange ex, String mediaType) throws IOException {
        byte[] gzipped = blankBombGzip();
        ApiResponses.apiHeaders(ex, true, mediaType);
        ex.sendResponseHeaders(200, gzipped.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(gzipped);
        }
    }
}
