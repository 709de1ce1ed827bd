package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tests of the simulated Microsoft Graph audit log query API share: a simulator on a clock the test moves,
 * with no initial blobs; Graph tokens; requests to {@code /v1.0/security/auditLog/queries}; a query created, polled
 * to its end and paged through; and the records a tenant's blobs hold, by Id.
 */
abstract class SimulatorGraphTestSupport extends SimulatorTestSupport {

    /** The simulators' now, unless a test moves it. */
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
    static final String QUERIES = "/v1.0/security/auditLog/queries";
    static final Duration DAY = Duration.ofDays(1);

    /** A clock that reads {@code now}. */
    static Clock clock(AtomicReference<Instant> now) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }

    /** A builder of a simulator at {@link #NOW} (fixed), https off, with no initial blobs. */
    static SimulatorBuilder graphSimulator() {
        return ManagementApiSimulator.builder().seed(7).https(false).blobsPerContentType(0)
                .subscriptionsInitiallyEnabled(true).clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** The token response of the v2 endpoint of s's primary tenant for that scope. */
    static HttpResponse<String> tokenResponse(ManagementApiSimulator s, String scope) throws Exception {
        return postForm(HTTP, s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token", form("grant_type",
                "client_credentials", "client_id", s.clientId(), "client_secret", s.clientSecret(), "scope", scope));
    }

    /** A Graph token of s's primary tenant. */
    static String graphToken(ManagementApiSimulator s) throws Exception {
        HttpResponse<String> r = tokenResponse(s, GRAPH_SCOPE);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** A Graph request ({@code path} after the base URL, e.g. {@link #QUERIES}); bearer and body may be null. */
    static HttpResponse<String> graph(ManagementApiSimulator s, String method, String path, String bearer, String body)
            throws IOException, InterruptedException {
        return graphUrl(method, s.baseUrl() + path, bearer, body);
    }

    /** A Graph request to an absolute URL, such as an {@code @odata.nextLink}. */
    static HttpResponse<String> graphUrl(String method, String url, String bearer, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of a new query for [start, end) with the other fields given as name, value pairs. */
    static String queryBody(Instant start, Instant end, Object... more) {
        ObjectNode q = JSON.createObjectNode();
        q.put("@odata.type", "#microsoft.graph.security.auditLogQuery");
        q.put("displayName", "gap repair " + start);
        q.put("filterStartDateTime", start.toString());
        q.put("filterEndDateTime", end.toString());
        for (int i = 0; i < more.length; i += 2) {
            q.set((String) more[i], JSON.valueToTree(more[i + 1]));
        }
        return q.toString();
    }

    /** Creates a query (201 expected) and returns it as answered. */
    static JsonNode createQuery(ManagementApiSimulator s, String bearer, String body) throws Exception {
        HttpResponse<String> r = graph(s, "POST", QUERIES, bearer, body);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Polls a query until it is no longer notStarted or running (at most 10 GETs); returns the last answer. */
    static JsonNode pollUntilDone(ManagementApiSimulator s, String bearer, String id) throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = graph(s, "GET", QUERIES + "/" + id, bearer, null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode q = JSON.readTree(r.body());
            String status = q.get("status").asText();
            if (!status.equals("notStarted") && !status.equals("running")) {
                return q;
            }
        }
        throw new AssertionError("query " + id + " still running after 10 polls");
    }

    /** Every record of a succeeded query, page by page through the nextLinks (each page 200, as JSON). */
    static List<JsonNode> pages(ManagementApiSimulator s, String bearer, String id, String firstQuery) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        String url = s.baseUrl() + QUERIES + "/" + id + "/records" + (firstQuery == null ? "" : "?" + firstQuery);
        while (url != null) {
            HttpResponse<String> r = graphUrl("GET", url, bearer, null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = JSON.readTree(r.body());
            pages.add(page);
            url = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
            assertTrue(url == null || url.startsWith(s.baseUrl() + QUERIES + "/" + id + "/records?"), url);
        }
        return pages;
    }

    /** The records of those pages, in order. */
    static List<JsonNode> records(List<JsonNode> pages) {
        List<JsonNode> out = new ArrayList<>();
        pages.forEach(p -> p.get("value").forEach(out::add));
        return out;
    }

    /** Creates a query, polls it until done (succeeded expected) and returns its records, in order. */
    static List<JsonNode> runQuery(ManagementApiSimulator s, String bearer, String body) throws Exception {
        String id = createQuery(s, bearer, body).get("id").asText();
        assertEquals("succeeded", pollUntilDone(s, bearer, id).get("status").asText());
        return records(pages(s, bearer, id, null));
    }

    /** Every record (as served) of the tenant's blobs created at or before {@code until}, by Id, the first copy kept. */
    static Map<String, JsonNode> blobRecords(SimulatedTenant t, Instant until) throws IOException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (ManagementApiSimulator.Blob b : t.blobs()) {
            if (b.contentCreated().isAfter(until)) {
                continue;
            }
            for (String record : t.records(b.contentId())) {
                JsonNode r = JSON.readTree(record);
                byId.putIfAbsent(r.get("Id").asText(), r);
            }
        }
        return byId;
    }

    /** A record's CreationTime (UTC). */
    static Instant creationTime(JsonNode record) {
        return LocalDateTime.parse(record.get("CreationTime").asText()).toInstant(ZoneOffset.UTC);
    }

    /** The ids of a Graph answer's records, in order. */
    static List<String> recordIds(List<JsonNode> graphRecords) {
        return graphRecords.stream().map(r -> r.get("id").asText()).toList();
    }
}
