package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graph audit log queries: created, polled through notStarted, running and succeeded, paged through; the record count
 * limit; failed queries; throttled requests; another tenant's query; bodies Graph refuses; the counters.
 */
class SimulatorGraphAuditQueryTest extends SimulatorGraphTestSupport {

    @Test
    void aQueryIsCreatedPolledUntilItSucceedsAndPagedThrough() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().graphPageSize(7).build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            Instant twentyDaysAgo = NOW.minus(DAY.multipliedBy(20));
            tenant.addBlobs("Audit.Exchange", 3, 10, twentyDaysAgo);
            tenant.addBlobs("Audit.SharePoint", 2, 10, twentyDaysAgo);
            String bearer = graphToken(s);
            Instant start = twentyDaysAgo.minus(DAY);
            Instant end = twentyDaysAgo.plus(DAY);

            HttpResponse<String> created = graph(s, "POST", QUERIES, bearer, queryBody(start, end));
            assertEquals(201, created.statusCode(), created.body());
            JsonNode query = JSON.readTree(created.body());
            String id = query.get("id").asText();
            assertTrue(RequestSyntax.GUID.matcher(id).matches(), id);
            assertEquals(s.baseUrl() + "/v1.0/$metadata#security/auditLog/queries/$entity",
                    query.get("@odata.context").asText());
            assertEquals(s.baseUrl() + QUERIES + "/" + id, created.headers().firstValue("Location").orElseThrow());
            assertTrue(created.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            assertEquals("notStarted", query.get("status").asText());
            assertEquals(start.toString(), query.get("filterStartDateTime").asText());
            assertEquals(end.toString(), query.get("filterEndDateTime").asText());
            assertEquals("gap repair " + start, query.get("displayName").asText());
            assertEquals(0, query.get("recordTypeFilters").size());
            assertEquals(50_000, query.get("recordCountLimit").asInt());
            assertFalse(query.get("isRecordCountLimitExceeded").asBoolean());
            assertTrue(query.get("approximateReturnedRecordCount").isNull());

            // no records before it succeeded
            assertErrorCode(graph(s, "GET", QUERIES + "/" + id + "/records", bearer, null), 400, "BadRequest");
            JsonNode first = JSON.readTree(graph(s, "GET", QUERIES + "/" + id, bearer, null).body());
            assertEquals("running", first.get("status").asText());
            assertTrue(first.get("approximateReturnedRecordCount").isNull());
            JsonNode second = JSON.readTree(graph(s, "GET", QUERIES + "/" + id, bearer, null).body());
            assertEquals("succeeded", second.get("status").asText());
            assertEquals(50, second.get("approximateReturnedRecordCount").asInt());
            assertFalse(second.get("isRecordCountLimitExceeded").asBoolean());

            List<JsonNode> pages = pages(s, bearer, id, null);
            assertEquals(8, pages.size()); // 50 records, 7 a page
            assertTrue(pages.stream().limit(7).allMatch(p -> p.get("value").size() == 7));
            assertFalse(pages.get(7).has("@odata.nextLink"));
            assertEquals(s.baseUrl() + "/v1.0/$metadata#security/auditLog/queries('" + id + "')/records",
                    pages.get(0).get("@odata.context").asText());
            List<JsonNode> records = records(pages);
            assertEquals(blobRecords(tenant, NOW).keySet(), Set.copyOf(recordIds(records)));
            assertEquals(records.stream().sorted(Comparator.comparing((JsonNode r) -> r.get("createdDateTime").asText())
                    .thenComparing(r -> r.get("id").asText())).toList(), records);

            assertEquals(1, tenant.graphQueryCount());
            assertEquals(List.of(new GraphQueryWindow(start, end)), tenant.graphQueryWindows());
            assertEquals(2, tenant.graphStatusPollCount());
            assertEquals(8, tenant.graphRecordPageCount());
            assertEquals(0, tenant.graphThrottledCount());
            assertEquals(12, tenant.graphRequestCount()); // the POST, the early records GET, 2 polls, 8 pages
            assertEquals("succeeded", pollUntilDone(s, bearer, id).get("status").asText()); // and stays so
            // the list shows it
            JsonNode list = JSON.readTree(graph(s, "GET", QUERIES, bearer, null).body());
            assertEquals(id, list.get("value").get(0).get("id").asText());
        }
    }

    @Test
    void theStatusPollsAQueryTakesAreASetting() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().graphQueryPollsUntilDone(4).build()) {
            s.start();
            String bearer = graphToken(s);
            String id = createQuery(s, bearer, queryBody(NOW.minus(DAY), NOW)).get("id").asText();
            for (int i = 0; i < 3; i++) {
                assertEquals("running", JSON.readTree(graph(s, "GET", QUERIES + "/" + id, bearer, null).body())
                        .get("status").asText());
            }
            JsonNode done = JSON.readTree(graph(s, "GET", QUERIES + "/" + id, bearer, null).body());
            assertEquals("succeeded", done.get("status").asText());
            assertEquals(0, done.get("approximateReturnedRecordCount").asInt());
            JsonNode empty = pages(s, bearer, id, null).get(0);
            assertEquals(0, empty.get("value").size());
            assertFalse(empty.has("@odata.nextLink"));
        }
    }

    @Test
    void aQueryReturnsNoMoreThanItsLimitAndSaysSo() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().graphRecordCountLimit(25).build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            tenant.addBlobs("Audit.General", 4, 10, NOW.minus(DAY.multipliedBy(10)));
            String bearer = graphToken(s);
            String body = queryBody(NOW.minus(DAY.multipliedBy(11)), NOW);
            List<String> expected = blobRecords(tenant, NOW).values().stream()
                    .sorted(Comparator.comparing(SimulatorGraphTestSupport::creationTime)
                            .thenComparing(r -> r.get("Id").asText()))
                    .map(r -> r.get("Id").asText()).toList();
            assertEquals(40, expected.size());

            // the simulator's limit
            String id = createQuery(s, bearer, body).get("id").asText();
            JsonNode done = pollUntilDone(s, bearer, id);
            assertTrue(done.get("isRecordCountLimitExceeded").asBoolean());
            assertEquals(25, done.get("approximateReturnedRecordCount").asInt());
            assertEquals(expected.subList(0, 25), recordIds(records(pages(s, bearer, id, null))));
            // the query's own, smaller
            JsonNode small = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(11)), NOW,
                    "recordCountLimit", 10));
            assertEquals(10, small.get("recordCountLimit").asInt());
            JsonNode smallDone = pollUntilDone(s, bearer, small.get("id").asText());
            assertTrue(smallDone.get("isRecordCountLimitExceeded").asBoolean());
            assertEquals(expected.subList(0, 10), recordIds(records(pages(s, bearer, small.get("id").asText(), null))));
            // the query's own, larger: the simulator's still holds
            JsonNode large = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(11)), NOW,
                    "recordCountLimit", 100));
            assertEquals(25, pollUntilDone(s, bearer, large.get("id").asText())
                    .get("approximateReturnedRecordCount").asInt());
            // all that match within the limit: not exceeded
            Instant end = creationTime(blobRecords(tenant, NOW).get(expected.get(25)));
            long fitting = blobRecords(tenant, NOW).values().stream().filter(r -> creationTime(r).isBefore(end)).count();
            assertTrue(fitting <= 25 && fitting > 20, Long.toString(fitting));
            JsonNode fits = pollUntilDone(s, bearer, createQuery(s, bearer,
                    queryBody(NOW.minus(DAY.multipliedBy(11)), end)).get("id").asText());
            assertFalse(fits.get("isRecordCountLimitExceeded").asBoolean());
            assertEquals(fitting, fits.get("approximateReturnedRecordCount").asLong());
        }
    }

    @Test
    void aQueryMadeToFailEndsFailedAndHasNoRecords() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            tenant.addBlobs("Audit.Exchange", 1, 5, NOW.minus(DAY));
            String bearer = graphToken(s);
            tenant.failNextGraphQueries(1);
            String failing = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(2)), NOW)).get("id").asText();
            String fine = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(2)), NOW)).get("id").asText();
            JsonNode failed = pollUntilDone(s, bearer, failing);
            assertEquals("failed", failed.get("status").asText());
            assertTrue(failed.get("approximateReturnedRecordCount").isNull());
            assertErrorCode(graph(s, "GET", QUERIES + "/" + failing + "/records", bearer, null), 400, "BadRequest");
            assertEquals("failed", pollUntilDone(s, bearer, failing).get("status").asText()); // and stays failed
            assertEquals("succeeded", pollUntilDone(s, bearer, fine).get("status").asText());
            assertEquals(5, records(pages(s, bearer, fine, null)).size());
        }
    }

    @Test
    void throttledRequestsAnswer429WithRetryAfter() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            String bearer = graphToken(s);
            String body = queryBody(NOW.minus(DAY), NOW);
            tenant.throttleNextGraphRequests(2);
            HttpResponse<String> throttled = graph(s, "POST", QUERIES, bearer, body);
            assertErrorCode(throttled, 429, "TooManyRequests");
            assertEquals("1", throttled.headers().firstValue("Retry-After").orElseThrow());
            assertErrorCode(graph(s, "GET", QUERIES, bearer, null), 429, "TooManyRequests");
            assertEquals(201, graph(s, "POST", QUERIES, bearer, body).statusCode());
            assertEquals(2, tenant.graphThrottledCount());
            assertEquals(1, tenant.graphQueryCount());
            assertEquals(3, tenant.graphRequestCount());
            // the Management API's counters know nothing of Graph
            assertEquals(0, tenant.throttledCount());
            assertEquals(0, tenant.totalApiCalls());
        }
    }

    @Test
    void anotherTenantsQueryIsNotFound() throws Exception {
        try (ManagementApiSimulator s = twoTenantSimulator()) {
            s.start();
            SimulatedTenant b = s.tenant(SECOND_TENANT);
            String tokenA = graphToken(s);
            HttpResponse<String> tokenB = postForm(HTTP, s.baseUrl() + "/" + SECOND_TENANT + "/oauth2/v2.0/token",
                    form("grant_type", "client_credentials", "client_id", b.clientId(), "client_secret",
                            b.clientSecret(), "scope", GRAPH_SCOPE));
            String bearerB = JSON.readTree(tokenB.body()).get("access_token").asText();
            String id = createQuery(s, tokenA, queryBody(NOW.minus(DAY), NOW)).get("id").asText();
            assertErrorCode(graph(s, "GET", QUERIES + "/" + id, bearerB, null), 404, "NotFound");
            assertErrorCode(graph(s, "GET", QUERIES + "/" + id + "/records", bearerB, null), 404, "NotFound");
            assertEquals(0, JSON.readTree(graph(s, "GET", QUERIES, bearerB, null).body()).get("value").size());
            assertErrorCode(graph(s, "GET", QUERIES + "/00000000-0000-4000-8000-000000000000", tokenA, null),
                    404, "NotFound");
            assertEquals(1, s.tenant(s.tenantId()).graphQueryCount());
            assertEquals(0, b.graphQueryCount());
            assertEquals(3, b.graphRequestCount());
        }
    }

    @Test
    void bodiesGraphCannotRunAreBadRequests() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            String bearer = graphToken(s);
            Instant start = NOW.minus(DAY);
            for (String body : List.of("", "not json", "[]", "{}",
                    "{\"filterStartDateTime\":\"" + start + "\"}",
                    "{\"filterStartDateTime\":\"yesterday\",\"filterEndDateTime\":\"" + NOW + "\"}",
                    "{\"filterStartDateTime\":\"2026-11-29T12:00:00\",\"filterEndDateTime\":\"" + NOW + "\"}",
                    queryBody(NOW, NOW),
                    queryBody(NOW, start),
                    queryBody(start, NOW, "recordTypeFilters", List.of("ExchangeItem")),
                    queryBody(start, NOW, "recordTypeFilters", "exchangeItem"),
                    queryBody(start, NOW, "recordCountLimit", 0),
                    queryBody(start, NOW, "recordCountLimit", 1.5),
                    queryBody(start, NOW, "keywordFilter", "invoice"),
                    queryBody(start, NOW, "operationFilters", List.of("MailItemsAccessed")),
                    queryBody(start, NOW, "filterStartDate", start.toString()),
                    queryBody(start, NOW, "@odata.type", "#microsoft.graph.security.auditLogRecord"))) {
                assertErrorCode(graph(s, "POST", QUERIES, bearer, body), 400, "BadRequest");
            }
            // empty filters Graph has but the simulator does not implement are fine; so are read-only properties
            assertEquals(201, graph(s, "POST", QUERIES, bearer, queryBody(start, NOW, "keywordFilter", null,
                    "operationFilters", List.of(), "status", "succeeded")).statusCode());
            // offsets other than Z, and no @odata.type at all
            JsonNode offset = createQuery(s, bearer, "{\"filterStartDateTime\":\"2026-11-29T13:00:00+01:00\","
                    + "\"filterEndDateTime\":\"2026-11-30T12:00:00.500Z\"}");
            assertEquals("2026-11-29T12:00:00Z", offset.get("filterStartDateTime").asText());
            assertEquals("2026-11-30T12:00:00.500Z", offset.get("filterEndDateTime").asText());
            assertEquals("notStarted", offset.get("status").asText());
            assertEquals(2, s.tenant(s.tenantId()).graphQueryCount());
            // paths and methods Graph does not have
            assertErrorCode(graph(s, "GET", "/v1.0/security/auditLog/nothing", bearer, null), 400, "BadRequest");
            assertErrorCode(graph(s, "DELETE", QUERIES + "/" + offset.get("id").asText(), bearer, null), 405,
                    "MethodNotAllowed");
            assertEquals(200, graph(s, "GET", "/v1.0/Security/AuditLog/Queries", bearer, null).statusCode());
        }
    }
}
