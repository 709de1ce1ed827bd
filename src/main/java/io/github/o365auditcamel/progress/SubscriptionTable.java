package io.github.o365auditcamel.progress;

import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.api.SubscriptionStartWaits;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;

/**
 * Each tenant's subscriptions, as listed ({@code subscriptions/list}) and started: the ones to start, and the table
 * logged at startup.
 */
public class SubscriptionTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Row(String status, String webhook) {
    }

    private final Map<String, List<String>> contentTypes = new ConcurrentHashMap<>();
    private final Map<String, Row> rows = new ConcurrentHashMap<>();

    /** @param tenants every tenant's settings */
    public SubscriptionTable(List<CollectorSettings> tenants) {
        tenants.forEach(this::add);
    }

    /** A tenant whose subscriptions are to start (again, when its settings changed). */
    public void add(CollectorSettings tenant) {
        remove(tenant.tenantName());
        contentTypes.put(tenant.tenantName(), tenant.contentTypes());
    }

    /** A tenant no longer collected. */
    public void remove(String tenant) {
        contentTypes.remove(tenant);
        rows.keySet().removeIf(key -> key.startsWith(tenant + "|"));
    }

    private static String key(String tenant, String contentType) {
        return tenant + "|" + contentType;
    }

    private List<String> contentTypes(String tenant) {
        List<String> types = contentTypes.get(tenant);
        if (types == null) {
            throw new IllegalArgumentException("no tenant named '" + tenant + "'");
        }
        return types;
    }

    /** Records the answer to {@code subscriptions/start}: a subscription object, or AF20024 (already enabled). */
    public void started(String tenant, String contentType, Exchange exchange) throws IOException {
        if ("AF20024".equals(exchange.getVariable(ExchangeVariables.API_CODE))) {
            rows.put(key(tenant, contentType), new Row("enabled (already)", "-"));
            return;
        }
        String body = exchange.getMessage().getBody(String.class);
        JsonNode subscription = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        JsonNode webhook = subscription.path("webhook");
        String webhookText = webhook.isObject()
                ? webhook.path("address").asText("?") + " (" + webhook.path("status").asText("?") + ")"
                : "none";
        rows.put(key(tenant, contentType), new Row(subscription.path("status").asText("unknown"), webhookText));
    }

    public void failed(String tenant, String contentType, Exception reason) {
        SubscriptionStartWaits waits = SubscriptionStartWaits.in(reason);
        rows.put(key(tenant, contentType), waits != null
                ? new Row("start waits until " + waits.dueAt().truncatedTo(ChronoUnit.SECONDS), "-")
                : new Row("FAILED: " + FailureReason.of(reason), "-"));
    }

    /**
     * Records the answer to {@code subscriptions/list}: the tenant's content types whose subscription is enabled
     * already, and that need no start request.
     */
    public void subscriptionsListed(String tenant, Exchange exchange) throws IOException {
        String body = exchange.getMessage().getBody(String.class);
        JsonNode listed = body == null || body.isBlank() ? JSON.createArrayNode() : JSON.readTree(body);
        List<String> configured = contentTypes(tenant);
        for (JsonNode subscription : listed) {
            String type = configured.stream()
                    .filter(t -> t.equalsIgnoreCase(subscription.path("contentType").asText())).findFirst().orElse(null);
            if (type != null && "enabled".equalsIgnoreCase(subscription.path("status").asText())) {
                JsonNode webhook = subscription.path("webhook");
                rows.put(key(tenant, type), new Row("enabled (listed)", webhook.isObject()
                        ? webhook.path("address").asText("?") + " (" + webhook.path("status").asText("?") + ")"
                        : "none"));
            }
        }
    }

    /** The tenant's content types whose subscription is not known to be enabled: the ones to start. */
    public List<String> toStart(String tenant) {
        return contentTypes(tenant).stream().filter(type -> {
            Row row = rows.get(key(tenant, type));
            return row == null || !isEnabled(row);
        }).toList();
    }

    /** A listing of the content type succeeded, which proves its subscription is enabled whatever the start said. */
    public void listed(String tenant, String contentType) {
        Row row = rows.get(key(tenant, contentType));
        if (row == null || !isEnabled(row)) {
            rows.put(key(tenant, contentType), new Row("enabled", row == null ? "-" : row.webhook()));
        }
    }

    /** The tenant's content types whose subscription is not known to be enabled, with their status; for readiness. */
    public Map<String, String> notEnabled(String tenant) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String type : contentTypes(tenant)) {
            Row row = rows.get(key(tenant, type));
            if (row == null || !isEnabled(row)) {
                out.put(type, row == null ? "not started yet" : row.status());
            }
        }
        return out;
    }

    private static boolean isEnabled(Row row) {
        return row.status().startsWith("enabled");
    }

    /** One line per content type of the tenant: content type, status, webhook. */
    public String render(String tenant) {
        List<String> types = contentTypes(tenant);
        int width = Math.max("content type".length(), types.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder table = new StringBuilder(CollectorSettings.DEFAULT_TENANT.equals(tenant) ? "Subscriptions:"
                : "Subscriptions of tenant " + tenant + ":");
        String format = "%n  %-" + width + "s  %-18s  %s";
        table.append(String.format(format, "content type", "status", "webhook"));
        for (String contentType : types) {
            Row row = rows.getOrDefault(key(tenant, contentType), new Row("not started", "-"));
            table.append(String.format(format, contentType, row.status, row.webhook));
        }
        return table.toString();
    }
}
