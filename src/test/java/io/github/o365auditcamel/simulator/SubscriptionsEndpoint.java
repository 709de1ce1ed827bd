package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.github.o365auditcamel.simulator.ApiChecks.contentTypeParameter;
import static io.github.o365auditcamel.simulator.ApiChecks.requirePermission;
import static io.github.o365auditcamel.simulator.ApiResponses.apiError;
import static io.github.o365auditcamel.simulator.ApiResponses.sendApi;
import static io.github.o365auditcamel.simulator.ManagementApiSimulator.ALL_CONTENT_TYPES;

/**
 * The API's {@code POST subscriptions/start}, {@code POST subscriptions/stop} and {@code GET subscriptions/list} of a
 * tenant. No webhooks: a {@code /start} body with a webhook gets AF20021.
 */
final class SubscriptionsEndpoint {

    private final ObjectMapper mapper;

    SubscriptionsEndpoint(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void startSubscription(HttpExchange ex, SimulatedTenant t, Map<String, String> q, byte[] body) throws IOException {
        t.startCalls.incrementAndGet();
        if (t.startRequestTooSoon()) {
            apiError(ex, 429, "AF429", "Too many requests. Wait " + t.subscriptionStartInterval.toMinutes()
                    + " minutes between subscription start requests.");
            return;
        }
        String type = contentTypeParameter(ex, q);
        if (type == null || !requirePermission(ex, t, type)) {
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.isEmpty()) {
            JsonNode json;
            try {
                json = mapper.readTree(text);
            } catch (IOException e) {
                apiError(ex, 400, "AF20002", "Invalid parameter type: webhook. Expected type: object.");
                return;
            }
            JsonNode webhook = json == null ? null : json.get("webhook");
            if (webhook != null && !webhook.isNull()) {
                String address = webhook.path("address").asText("");
                apiError(ex, 400, "AF20021", "The webhook endpoint " + address + " could not be validated. "
                        + (address.startsWith("https://") ? "The endpoint did not return HTTP 200."
                        : "The address must begin with HTTPS."));
                return;
            }
        }
        boolean changed;
        synchronized (t.subscriptions) {
            changed = !"enabled".equals(t.subscriptions.put(type, "enabled"));
        }
        if (!changed) {
            apiError(ex, 400, "AF20024", "The subscription is already enabled. No property change.");
            return;
        }
        sendApi(ex, 200, mapper.writeValueAsBytes(subscriptionJson(type, "enabled")), false);
    }

    void stopSubscription(HttpExchange ex, SimulatedTenant t, Map<String, String> q) throws IOException {
        String type = contentTypeParameter(ex, q);
        if (type == null) {
            return;
        }
        synchronized (t.subscriptions) {
            if (t.subscriptions.computeIfPresent(type, (k, status) -> "disabled") == null) {
                apiError(ex, 400, "AF20022", "No subscription found for the specified content type.");
                return;
            }
        }
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, -1);
    }

    void listSubscriptions(HttpExchange ex, SimulatedTenant t) throws IOException {
        ArrayNode out = mapper.createArrayNode();
        for (String type : ALL_CONTENT_TYPES) {
            String status = t.subscriptions.get(type);
            if (status != null) {
                out.add(subscriptionJson(type, status));
            }
        }
        sendApi(ex, 200, mapper.writeValueAsBytes(out), false);
    }

    private ObjectNode subscriptionJson(String type, String status) {
        ObjectNode o = mapper.createObjectNode();
        o.put("contentType", type);
        o.put("status", status);
        o.putNull("webhook");
        return o;
    }
}
