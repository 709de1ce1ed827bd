package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * What a blob may hold, whatever it says: a record over the limit is handed out without its bytes while the records
 * around it are published; padding between records and a body over the limit are refused as malformed; and memory
 * stays bounded on the way (a 200 MB blob of blanks, streamed here, is never held).
 */
class BlobLimitsTest {

    private static InputStream text(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code count} copies of {@code chunk}, streamed: never all in memory. */
    private static InputStream repeated(byte[] chunk, int count) {
        return new SequenceInputStream(new Enumeration<InputStream>() {
            private int left = count;

            @Override
            public boolean hasMoreElements() {
                return left > 0;
            }

            @Override
            public InputStream nextElement() {
                left--;
                return new ByteArrayInputStream(chunk);
            }
        });
    }

    @Test
    void aRecordOverTheLimitComesWithoutItsBytesAndTheOthersAsServed() throws Exception {
        BlobRecordStreamer streamer = new BlobRecordStreamer(1000, Long.MAX_VALUE / 4);
        String huge = "{\"Id\":\"huge\",\"ExtendedProperties\":\"" + "x".repeat(500_000) + "\"}";
        String after = "{\"Id\":\"after\",\"Operation\":\"FileAccessed\"}";
        Iterator<AuditRecord> records = streamer.records(text("[{\"Id\":\"before\"}," + huge + "," + after + "]"));

        List<AuditRecord> all = new ArrayList<>();
        records.forEachRemaining(all::add);

        assertEquals(List.of("before", "huge", "after"), all.stream().map(AuditRecord::id).toList());
        assertFalse(all.get(0).isOversized());
        assertTrue(all.get(1).isOversized());
        assertEquals(huge.getBytes(StandardCharsets.UTF_8).length, all.get(1).size());
        assertArrayEquals(after.getBytes(StandardCharsets.UTF_8), all.get(2).json());
    }

    @Test
    void twoHundredMegabytesOfBlanksAreRefusedWithoutBeingHeld() throws Exception {
        BlobRecordStreamer streamer = new BlobRecordStreamer(1_000_000, Long.MAX_VALUE / 4);
        byte[] blanks = " ".repeat(1024 * 1024).getBytes(StandardCharsets.US_ASCII);
        InputStream bomb = new SequenceInputStream(text("[{\"Id\":\"a\"},"), repeated(blanks, 200));
        long heapBefore = usedHeap();

        Iterator<AuditRecord> records = streamer.records(bomb);
        assertEquals("a", records.next().id());
        BlobFormatException refused = assertThrows(BlobFormatException.class, records::hasNext);

        assertTrue(refused.getMessage().contains("bytes between two records"), refused.getMessage());
        assertTrue(usedHeap() - heapBefore < 64L * 1024 * 1024, "the blanks were not kept");
    }

    @Test
    void aBlobOverTheLimitIsRefusedWithTheFigure() throws Exception {
        BlobRecordStreamer streamer = new BlobRecordStreamer(1_000_000, 10_000);
        StringBuilder blob = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            blob.append(i == 0 ? "" : ",").append("{\"Id\":\"r").append(i).append("\",\"Operation\":\"x\"}");
        }
        Iterator<AuditRecord> records = streamer.records(text(blob.append("]").toString()));

        BlobFormatException refused = assertThrows(BlobFormatException.class, () -> records.forEachRemaining(r -> { }));
        assertTrue(refused.getMessage().contains("larger than 10000 bytes"), refused.getMessage());
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
