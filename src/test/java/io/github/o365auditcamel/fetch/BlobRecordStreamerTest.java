package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

class BlobRecordStreamerTest {

    private final BlobRecordStreamer streamer = new BlobRecordStreamer();

    private static InputStream text(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    private List<AuditRecord> all(Iterator<AuditRecord> it) {
        List<AuditRecord> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void eachRecordBecomesAMessageKeyedByItsIdWithItsJsonAsServed() throws Exception {
        String first = "{\"Id\":\"a1\",\"Operation\":\"FileAccessed\",\"UserId\":\"zoë@example.com\",\"Size\":1.50,"
                + "\"Nested\":{\"List\":[1,2,{\"x\":null}]},\"Flag\":true}";
        String second = "{\"Id\":\"b2\",\"RecordType\":15}";
        BlobRecordStreamer.RecordIterator it = streamer.records(text("[" + first + ", \n" + second + "]"));

        List<AuditRecord> records = all(it);

        assertEquals(2, records.size());
        assertEquals("a1", records.get(0).id());
        assertEquals(first, new String(records.get(0).json(), StandardCharsets.UTF_8));
        assertEquals("b2", records.get(1).id());
        assertEquals(second, new String(records.get(1).json(), StandardCharsets.UTF_8));
        assertEquals(2, it.count());
    }

    @Test
    void anEmptyArrayHasNoRecords() throws Exception {
        assertTrue(all(streamer.records(text("[]"))).isEmpty());
    }

    @Test
    void aLargeBlobIsReadLazilyOneRecordAtATime() throws Exception {
        int count = 200_000;
        // a blob made on the fly: the whole array never exists in memory, here or in the streamer
        Iterator<InputStream> parts = new Iterator<>() {
            int i = -1;

            @Override
            public boolean hasNext() {
                return i <= count;
            }

            @Override
            public InputStream next() {
                i++;
                if (i == 0) {
                    return text("[");
                }
                if (i > count) {
                    return text("]");
                }
                return text((i > 1 ? "," : "") + "{\"Id\":\"id-" + i + "\",\"Padding\":\"" + "x".repeat(200) + "\"}");
            }
        };
        InputStream blob = new SequenceInputStream(Collections.enumeration(iterable(parts)));
        Iterator<AuditRecord> records = streamer.records(blob);

        long seen = 0;
        while (records.hasNext()) {
            AuditRecord r = records.next();
            seen++;
            if (seen == count) {
                assertEquals("id-" + count, r.id());
            }
        }
        assertEquals(count, seen);
    }

    private static List<InputStream> iterable(Iterator<InputStream> parts) {
        // SequenceInputStream takes an Enumeration; wrap lazily via a list view that pulls on demand
        return new java.util.AbstractList<>() {
            @Override
            public InputStream get(int index) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int size() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Iterator<InputStream> iterator() {
                return parts;
            }
        };
    }

    @Test
    void aBlobThatIsNotAnArrayIsRefusedWithTheReason() {
        BlobFormatException e = assertThrows(BlobFormatException.class,
                () -> all(streamer.records(text("{\"error\":\"oops\"}"))));
        assertTrue(e.getMessage().contains("not a JSON array"), e.getMessage());
    }

    @Test
    void aTruncatedBlobIsRefusedAfterTheRecordsBeforeTheCut() throws Exception {
        Iterator<AuditRecord> records = streamer.records(text("[{\"Id\":\"a\"},{\"Id\":\"b\",\"Op"));

        assertEquals("a", records.next().id());
        BlobFormatException e = assertThrows(BlobFormatException.class, records::hasNext);
        assertTrue(e.getMessage().contains("after 1 records"), e.getMessage());
    }

    @Test
    void aRecordWithoutIdIsRefused() throws Exception {
        Iterator<AuditRecord> records = streamer.records(text("[{\"Operation\":\"x\"}]"));

        BlobFormatException e = assertThrows(BlobFormatException.class, records::next);
        assertTrue(e.getMessage().contains("no Id"), e.getMessage());
    }
}
