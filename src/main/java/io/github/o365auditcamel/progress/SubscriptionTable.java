package io.github.o365auditcamel.progress;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.api.ApiResponseClassifier;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.routes.ContentTypeRoutes;
import org.apache.camel.Exchange;

/** The outcome of starting each content type's subscription, rendered as the table logged at startup. */
public class SubscriptionTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Row(String status, String webhook) {
    }

    private final List<String> contentTypes;
    private final Map<String, Row> rows = new ConcurrentHashMap<>();

    public SubscriptionTable(CollectorSettings settings) {
        this.contentTypes = settings.contentTypes();
    }

    /** Records the answer to {@code subscriptions/start}: a subscription object, or AF20024 (already enabled). */
    public void started(String contentType, Exchange exchange) throws IOException {
        if ("AF20024".equals(exchange.getVariable(ApiResponseClassifier.API_CODE_VARIABLE))) {
            rows.put(contentType, new Row("enabled (already)", "-"));
            return;
        }
        String body = exchange.getMessage().getBody(String.class);
        JsonNode subscription = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        JsonNode webhook = subscription.path("webhook");
        String webhookText = webhook.isObject()
                ? webhook.path("address").asText("?") + " (" + webhook.path("status").asText("?") + ")"
                : "none";
        rows.put(contentType, new Row(subscription.path("status").asText("unknown"), webhookText));
    }

    public void failed(String contentType, Exception reason) {
        rows.put(contentType, new Row("FAILED: " + FailureReason.of(reason), "-"));
    }

    /** A listing of the content type succeeded, which proves its subscription is enabled whatever the start said. */
    public void listed(String contentType) {
        Row row = rows.get(contentType);
        if (row == null || !isEnabled(row)) {
            rows.put(contentType, new Row("enabled", row == null ? "-" : row.webhook()));
        }
    }

    /** Content types whose subscription is not known to be enabled, with their status; for readiness. */
    public Map<String, String> notEnabled() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String type : contentTypes) {
            Row row = rows.get(type);
            if (row == null || !isEnabled(row)) {
                out.put(type, row == null ? "not started yet" : row.status());
            }
        }
        return out;
    }

    private static boolean isEnabled(Row row) {
        return row.status().startsWith("enabled");
    }

    /**
     * The listing routes to start: all of them. A content type whose subscription could not be started is listed
     * too: its polls fail with the reason, one line each, and recover by themselves when the cause was passing.
     */
    public List<String> listingRoutes() {
        return contentTypes.stream().map(ContentTypeRoutes::routeIdFor).toList();
    }

    /** One line per content type: content type, status, webhook. */
    public String render() {
        int width = Math.max("content type".length(),
                contentTypes.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder table = new StringBuilder("Subscriptions:");
        String format = "%n  %-" + width + "s  %-18s  %s";
        table.append(String.format(format, "content type", "status", "webhook"));
        for (String contentType : contentTypes) {
            Row row = rows.getOrDefault(contentType, new Row("not started", "-"));
            table.append(String.format(format, contentType, row.status, row.webhook));
        }
        return table.toString();
    }
}
