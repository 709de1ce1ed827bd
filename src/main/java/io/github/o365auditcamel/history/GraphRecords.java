package io.github.o365auditcamel.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.fetch.AuditRecord;

/**
 * An {@code auditLogRecord} of Microsoft Graph as the record the Management Activity API serves: its
 * {@code auditData} is that record, with Graph's {@code @odata.type} added, which is taken out again. The bytes are
 * the record's fields in Graph's order, written compactly: the same record, not the same bytes as a blob's.
 */
final class GraphRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphRecords() {
    }

    /** The record, or null when the entry carries no {@code auditData} object with an {@code Id}. */
    static AuditRecord of(JsonNode entry) {
        JsonNode data = entry.get("auditData");
        if (data == null || !data.isObject()) {
            return null;
        }
        // the page was parsed for this read alone: Graph's own field is taken out in place, no copy
        ObjectNode record = (ObjectNode) data;
        record.remove("@odata.type");
        String id = text(record, "Id");
        if (id == null || id.isBlank()) {
            return null;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            return null;
        }
        JsonNode type = record.get("RecordType");
        return new AuditRecord(id, json, json.length, text(record, "Workload"), text(record, "Operation"),
                type != null && type.canConvertToInt() ? type.asInt() : -1, text(record, "CreationTime"));
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
