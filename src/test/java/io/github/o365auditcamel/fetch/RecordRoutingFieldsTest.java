package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The streamer's one walk over a record's tokens also hands on the top-level fields a consumer routes by
 * ({@code Workload}, {@code Operation}, {@code RecordType}, {@code CreationTime}); fields of the same name inside nested
 * objects are not taken for them, a record without them has none, and the record's bytes stay as served.
 */
class RecordRoutingFieldsTest {

    private final BlobRecordStreamer streamer = new BlobRecordStreamer();

    @Test
    void theTopLevelFieldsComeWithTheRecordAndNestedOnesAreNotTakenForThem() throws Exception {
        String first = "{\"CreationTime\":\"2026-12-07T04:12:45\",\"Id\":\"a1\",\"Operation\":\"MailItemsAccessed\","
                + "\"ExtendedProperties\":[{\"Name\":\"Operation\",\"Value\":\"nested\"}],"
                + "\"Item\":{\"Workload\":\"nested\",\"RecordType\":99,\"Id\":\"nested\"},"
                + "\"RecordType\":50,\"UserType\":0,\"Workload\":\"Exchange\"}";
        String second = "{\"Id\":\"b2\",\"Details\":{\"Operation\":\"nested\"}}";
        List<AuditRecord> records = all("[" + first + "," + second + "]");

        AuditRecord exchange = records.get(0);
        assertEquals("a1", exchange.id());
        assertEquals("Exchange", exchange.workload());
        assertEquals("MailItemsAccessed", exchange.operation());
        assertEquals(50, exchange.recordType());
        assertEquals("2026-12-07T04:12:45", exchange.creationTime());
        assertArrayEquals(first.getBytes(StandardCharsets.UTF_8), exchange.json(), "the bytes as served");

        AuditRecord bare = records.get(1);
        assertEquals("b2", bare.id());
        assertNull(bare.workload());
        assertNull(bare.operation());
        assertEquals(-1, bare.recordType());
        assertNull(bare.creationTime());
    }

    @Test
    void aRecordTypeThatIsNoSmallWholeNumberIsNone() throws Exception {
        List<AuditRecord> records = all("[{\"Id\":\"a\",\"RecordType\":12345678901},{\"Id\":\"b\",\"RecordType\":\"15\"},"
                + "{\"Id\":\"c\",\"RecordType\":1.5}]");
        records.forEach(r -> assertEquals(-1, r.recordType(), r.id()));
    }

    private List<AuditRecord> all(String blob) throws Exception {
        List<AuditRecord> records = new ArrayList<>();
        streamer.records(new ByteArrayInputStream(blob.getBytes(StandardCharsets.UTF_8))).forEachRemaining(records::add);
        return records;
    }
}
