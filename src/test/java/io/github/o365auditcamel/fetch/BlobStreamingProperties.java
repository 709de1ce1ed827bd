package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a blob's body says, streaming it ends one of two ways: every record, each with its Id and its bytes
 * exactly as served; or the records before the damage, then a {@link BlobFormatException} (the blob is dead-lettered).
 * Never another failure, never a record that was not there. Bodies: arrays of records with unicode, huge and tiny
 * numbers, deep nesting, duplicate ids, and padding, each possibly cut at a random byte or given a stray element.
 */
class BlobStreamingProperties {

    private static final int MAX_RECORD_BYTES = 4096;

    /** A record as a service might write it: an Id and random values. */
    @Provide
    Arbitrary<String> records() {
        Arbitrary<String> id = Arbitraries.strings().withCharRange('a', 'f').numeric().ofMinLength(1).ofMaxLength(36);
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(40)
                .map(BlobStreamingProperties::jsonString);
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "0"),
                Arbitraries.just("1e308"), Arbitraries.just("-0.0000000001"),
                Arbitraries.just("123456789012345678901234567890"));
        Arbitrary<String> nested = Arbitraries.integers().between(1, 40)
                .map(depth -> "[".repeat(depth) + "{\"deep\":true}" + "]".repeat(depth));
        Arbitrary<String> value = Arbitraries.oneOf(text, number, nested, Arbitraries.just("null"),
                Arbitraries.just("false"));
        return Combinators.combine(id, value.list().ofMaxSize(6))
                .as((i, values) -> {
                    StringBuilder record = new StringBuilder("{\"Id\":\"").append(i).append('"');
                    for (int k = 0; k < values.size(); k++) {
                        record.append(",\"F").append(k).append("\":").append(values.get(k));
                    }
                    return record.append('}').toString();
                });
    }

    @Property(tries = 300)
    void aWellFormedBlobGivesEveryRecordAsServed(@ForAll("blobs") List<String> records,
            @ForAll("padding") String padding) throws Exception {
        String body = "[" + padding + String.join("," + padding, records) + padding + "]";
        List<AuditRecord> read = readAll(body).records;

        assertEquals(records.size(), read.size());
        for (int i = 0; i < records.size(); i++) {
            byte[] served = records.get(i).getBytes(StandardCharsets.UTF_8);
            if (served.length > MAX_RECORD_BYTES) {
                assertTrue(read.get(i).isOversized(), "a record over the limit comes without its bytes");
                assertEquals(served.length, read.get(i).size());
            } else {
                assertArrayEquals(served, read.get(i).json());
            }
        }
    }

    @Property(tries = 500)
    void aDamagedBlobGivesTheRecordsBeforeTheDamageThenOneFormatError(@ForAll("blobs") List<String> records,
            @ForAll("damage") String damage, @ForAll double where) throws Exception {
        String whole = "[" + String.join(",", records) + "]";
        byte[] bytes = whole.getBytes(StandardCharsets.UTF_8);
        String body;
        int cut = (int) (Math.abs(where % 1.0) * bytes.length);
        if (damage.equals("cut")) {
            body = new String(bytes, 0, Math.min(cut, bytes.length - 1), StandardCharsets.UTF_8);
        } else {
            body = "[" + String.join(",", records) + (records.isEmpty() ? "" : ",") + damage + "]";
        }
        Outcome outcome = readAll(body);

        assertTrue(outcome.records.size() <= records.size());
        for (int i = 0; i < outcome.records.size(); i++) {
            assertTrue(records.get(i).startsWith("{\"Id\":\"" + outcome.records.get(i).id() + "\""));
        }
        if (!damage.equals("cut") || cut < bytes.length - 1) {
            assertTrue(outcome.failure instanceof BlobFormatException,
                    "a damaged blob fails as malformed content, not " + outcome.failure);
        }
    }

    @Provide
    Arbitrary<List<String>> blobs() {
        return records().list().ofMaxSize(12).flatMap(list -> Arbitraries.integers().between(0, 2).map(dup -> {
            // records the service serves twice within one blob
            List<String> withCopies = new ArrayList<>(list);
            for (int i = 0; i < dup && !list.isEmpty(); i++) {
                withCopies.add(list.get(i % list.size()));
            }
            return withCopies;
        }));
    }

    @Provide
    Arbitrary<String> padding() {
        return Arbitraries.of("", " ", "\n", "\r\n\t ", " ".repeat(5000));
    }

    @Provide
    Arbitrary<String> damage() {
        return Arbitraries.of("cut", "42", "\"a string\"", "[1,2]", "null", "{\"NoId\":1}", "{\"Id\":7}",
                "{\"Id\":\"x\"", "]", "{\"Id\":\"x\",}");
    }

    private record Outcome(List<AuditRecord> records, Exception failure) {
    }

    private static Outcome readAll(String body) throws Exception {
        BlobRecordStreamer streamer = new BlobRecordStreamer(MAX_RECORD_BYTES, 10_000_000);
        List<AuditRecord> read = new ArrayList<>();
        try (BlobRecordStreamer.RecordIterator it = streamer.records(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))) {
            while (it.hasNext()) {
                read.add(it.next());
            }
            return new Outcome(read, null);
        } catch (BlobFormatException e) {
            return new Outcome(read, e);
        }
    }

    private static String jsonString(String raw) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : raw.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (Character.isSurrogate(c)) {
                out.append("\\ufffd");
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
