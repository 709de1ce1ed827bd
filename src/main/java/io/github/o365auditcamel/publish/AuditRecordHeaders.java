package io.github.o365auditcamel.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.fetch.RecordTypes;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The Kafka headers of a published record: its blob's ({@code o365.contentType}, {@code o365.tenant}, ...) and its own
 * that a consumer routes by without parsing the record, taken from the streamer's one walk over its tokens:
 * {@code o365.workload}, {@code o365.operation}, {@code o365.recordType} (the number), {@code o365.recordTypeName}
 * (its name in Microsoft's enum, when known) and {@code o365.creationTime} (as served). A field the record lacks has
 * no header. The values that repeat (workloads, operations, record types) are made into headers once and shared by
 * every record of every tenant, up to {@value #MOST_SHARED} of each kind; the record bytes stay as served.
 */
public final class AuditRecordHeaders {

    static final String WORKLOAD = "o365.workload";
    static final String OPERATION = "o365.operation";
    static final String RECORD_TYPE = "o365.recordType";
    static final String RECORD_TYPE_NAME = "o365.recordTypeName";
    static final String CREATION_TIME = "o365.creationTime";
    static final int MOST_SHARED = 4096;

    private static final Map<String, Header> WORKLOADS = new ConcurrentHashMap<>();
    private static final Map<String, Header> OPERATIONS = new ConcurrentHashMap<>();
    private static final Map<Integer, Header[]> RECORD_TYPES = new ConcurrentHashMap<>();

    private AuditRecordHeaders() {
    }

    /** The blob's headers, then the record's own. */
    public static List<Header> of(AuditRecord record, List<Header> blobHeaders) {
        List<Header> headers = new ArrayList<>(blobHeaders.size() + 5);
        headers.addAll(blobHeaders);
        if (record.workload() != null) {
            headers.add(shared(WORKLOADS, WORKLOAD, record.workload()));
        }
        if (record.operation() != null) {
            headers.add(shared(OPERATIONS, OPERATION, record.operation()));
        }
        if (record.recordType() >= 0) {
            for (Header header : recordType(record.recordType())) {
                headers.add(header);
            }
        }
        if (record.creationTime() != null) {
            headers.add(header(CREATION_TIME, record.creationTime()));
        }
        return headers;
    }

    private static Header shared(Map<String, Header> made, String name, String value) {
        Header header = made.get(value);
        if (header == null) {
            header = header(name, value);
            if (made.size() < MOST_SHARED) {
                made.putIfAbsent(value, header);
            }
        }
        return header;
    }

    /** {@code o365.recordType}, and {@code o365.recordTypeName} when Microsoft's enum names the number. */
    private static Header[] recordType(int number) {
        Header[] headers = RECORD_TYPES.get(number);
        if (headers == null) {
            String name = RecordTypes.nameOf(number);
            Header type = header(RECORD_TYPE, Integer.toString(number));
            headers = name == null ? new Header[] {type} : new Header[] {type, header(RECORD_TYPE_NAME, name)};
            if (RECORD_TYPES.size() < MOST_SHARED) {
                RECORD_TYPES.putIfAbsent(number, headers);
            }
        }
        return headers;
    }

    /**
     * The headers of records published from elsewhere than a blob (a gap repair, a replay): the content type, the
     * tenant and the instance, as a blob's records carry them, then the source's own, given as name and value pairs.
     */
    public static List<Header> ofSource(io.github.o365auditcamel.config.CollectorSettings settings,
            String contentType, String... namesAndValues) {
        List<Header> headers = new ArrayList<>(List.of(
                header("o365.contentType", contentType),
                header("o365.tenant", settings.tenantName()),
                header("o365.tenantId", settings.tenantId()),
                header("o365.instanceId", settings.instanceId())));
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            headers.add(header(namesAndValues[i], namesAndValues[i + 1]));
        }
        return List.copyOf(headers);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
