package io.github.o365auditcamel.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A blob dead-lettered after a transient failure, waiting in the state topic to be fetched again: how often it was
 * dead-lettered, when it is due, and its reference (what the fetchers need to fetch it). The state topic, not the
 * dead-letter topic, is where retries come from: every instance has read it anyway, so a retry needs no consumer of
 * its own, and a retry due later never holds up one due sooner.
 *
 * @param count how often the blob was dead-lettered
 * @param retryAt when it is to be fetched again
 * @param contentType the content type it was listed as
 * @param contentUri where to fetch it
 * @param contentCreated when the service made it available, as served (may be null)
 */
public record PendingRetry(int count, Instant retryAt, String contentType, String contentUri, String contentCreated) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state topic's value. */
    String toJson() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("count", count);
        value.put("retryAt", retryAt.toString());
        value.put("contentType", contentType);
        value.put("contentUri", contentUri);
        value.put("contentCreated", contentCreated);
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a state topic value; null when it is not one this version wrote. */
    static PendingRetry parse(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || !node.isObject() || !node.path("retryAt").isTextual()) {
                return null;
            }
            return new PendingRetry(node.path("count").asInt(1), Instant.parse(node.get("retryAt").asText()),
                    text(node, "contentType"), text(node, "contentUri"), text(node, "contentCreated"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
