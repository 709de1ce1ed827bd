package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.uuid;

/**
 * The JSON building blocks that the records of every workload share: the common schema fields, the small
 * name/value, modified-property and id/type objects, padding a record to a target size, and rendering as compact
 * UTF-8 JSON. One instance per tenant; not thread-safe.
 */
final class RecordFields {

    /** A way to make a record larger by one realistic element; returns the approximate number of bytes added. */
    @FunctionalInterface
    interface Grower {
        int grow();
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final String tenantId;

    RecordFields(String tenantId) {
        this.tenantId = tenantId;
    }

    /** A new record with the fields of the common schema (ResultStatus only when not null). */
    ObjectNode common(Random rnd, String time, String op, int recordType, String resultStatus, String userKey,
                      int userType, String workload) {
        ObjectNode r = mapper.createObjectNode();
        r.put("CreationTime", time);
        r.put("Id", uuid(rnd));
        r.put("Operation", op);
        r.put("OrganizationId", tenantId);
        r.put("RecordType", recordType);
        if (resultStatus != null) {
            r.put("ResultStatus", resultStatus);
        }
        r.put("UserKey", userKey);
        r.put("UserType", userType);
        r.put("Version", 1);
        r.put("Workload", workload);
        return r;
    }

    /** Grows {@code rec} until it renders to about {@code target} bytes (at most 1000 steps). */
    void pad(ObjectNode rec, int target, Grower grower) {
        int size = size(rec);
        for (int guard = 0; size < target && guard < 1000; guard++) {
            size += Math.max(1, grower.grow());
        }
    }

    /** Appends {@code element} to {@code array}; returns the number of bytes that added (with the comma). */
    int add(ArrayNode array, JsonNode element) {
        array.add(element);
        return size(element) + (array.size() > 1 ? 1 : 0);
    }

    /** A new empty object. */
    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** {@code {"Name":name,"Value":value}}. */
    ObjectNode nameValue(String name, String value) {
        ObjectNode n = mapper.createObjectNode();
        n.put("Name", name);
        n.put("Value", value);
        return n;
    }

    /** {@code {"Name":name,"NewValue":newValue,"OldValue":oldValue}}. */
    ObjectNode modified(String name, String newValue, String oldValue) {
        ObjectNode n = mapper.createObjectNode();
        n.put("Name", name);
        n.put("NewValue", newValue);
        n.put("OldValue", oldValue);
        return n;
    }

    /** {@code {"ID":id,"Type":type}}. */
    ObjectNode idType(String id, int type) {
        ObjectNode n = mapper.createObjectNode();
        n.put("ID", id);
        n.put("Type", type);
        return n;
    }

    /** {@code value} as JSON text. */
    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code node} as compact UTF-8 JSON. */
    byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of bytes {@code node} renders to. */
    int size(JsonNode node) {
        return bytes(node).length;
    }
}
