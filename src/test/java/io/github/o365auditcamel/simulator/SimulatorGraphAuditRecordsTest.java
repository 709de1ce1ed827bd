package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.fetch.RecordTypes;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The records of Graph audit log queries: each the record the Management API serves in its blob, wrapped as an
 * auditLogRecord; which records the log holds (all content types, once each, the whole retention, not blobs yet to
 * come); the window and the record type and service filters; pages with {@code $top} and {@code $skiptoken}; and the
 * "20-day stop" that only Graph can repair.
 */
class SimulatorGraphAuditRecordsTest extends SimulatorGraphTestSupport {

    @Test
    void eachRecordIsTheServedRecordWrappedAsAnAuditLogRecord() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            for (String type : ManagementApiSimulator.ALL_CONTENT_TYPES) {
                tenant.addBlobs(type, 1, 4, NOW.minus(DAY.multipliedBy(9)));
            }
            String bearer = graphToken(s);
            String id = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(10)), NOW)).get("id").asText();
            pollUntilDone(s, bearer, id);
            HttpResponse<String> page = graph(s, "GET", QUERIES + "/" + id + "/records", bearer, null);
            List<JsonNode> records = records(List.of(JSON.readTree(page.body())));
            assertEquals(20, records.size());
            Map<String, JsonNode> served = blobRecords(tenant, NOW);
            Map<String, String> servedText = new java.util.HashMap<>();
            tenant.blobs().forEach(b -> tenant.records(b.contentId()).forEach(text -> {
                try {
                    servedText.put(JSON.readTree(text).get("Id").asText(), text);
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }));
            Set<String> services = new HashSet<>();
            for (JsonNode r : records) {
                JsonNode m = served.get(r.get("id").asText());
                assertEquals(List.of("id", "createdDateTime", "auditLogRecordType", "operation", "organizationId",
                        "userPrincipalName", "userId", "userType", "service", "objectId", "clientIp",
                        "administrativeUnits", "auditData"), fieldList(r));
                assertEquals(m.get("CreationTime").asText() + "Z", r.get("createdDateTime").asText());
                String name = RecordTypes.nameOf(m.get("RecordType").asInt());
                assertEquals(Character.toLowerCase(name.charAt(0)) + name.substring(1), r.get("auditLogRecordType").asText());
                assertEquals(m.get("Operation").asText(), r.get("operation").asText());
                assertEquals(s.tenantId(), r.get("organizationId").asText());
                assertEquals(m.get("UserId").asText(), r.get("userPrincipalName").asText());
                assertEquals(m.get("UserId").asText(), r.get("userId").asText());
                assertEquals(m.get("Workload").asText(), r.get("service").asText());
                assertEquals(m.has("ObjectId") ? m.get("ObjectId") : JSON.getNodeFactory().nullNode(), r.get("objectId"));
                assertEquals(m.has("ClientIP") ? m.get("ClientIP") : JSON.getNodeFactory().nullNode(), r.get("clientIp"));
                assertEquals(0, r.get("administrativeUnits").size());
                // auditData: every field exactly as served, Graph's type first; in the body byte for byte
                ObjectNode auditData = (ObjectNode) r.get("auditData").deepCopy();
                assertEquals("#microsoft.graph.security.defaultAuditData", auditData.remove("@odata.type").asText());
                assertEquals(m, auditData);
                String text = servedText.get(r.get("id").asText());
                assertTrue(page.body().contains("\"auditData\":{\"@odata.type\":\"#microsoft.graph.security."
                        + "defaultAuditData\"," + text.substring(1)), text);
                services.add(r.get("service").asText());
            }
            assertTrue(services.containsAll(Set.of("Exchange", "SharePoint", "AzureActiveDirectory")), services.toString());
        }
    }

    @Test
    void recordTypeNamesAreGraphsLowerCamelEnumMembers() {
        assertEquals("exchangeItem", GraphAuditRecord.recordTypeName(2));
        assertEquals("exchangeAdmin", GraphAuditRecord.recordTypeName(1));
        assertEquals("azureActiveDirectoryStsLogon", GraphAuditRecord.recordTypeName(15));
        assertEquals("complianceDLPSharePoint", GraphAuditRecord.recordTypeName(11));
        assertEquals("unknownFutureValue", GraphAuditRecord.recordTypeName(9999));
        // a leading acronym is lowered whole, as Graph spells crm, mipLabel, hrSignal, ms365DCustomDetection
        assertEquals("crm", GraphAuditRecord.lowerCamel("CRM"));
        assertEquals("mipLabel", GraphAuditRecord.lowerCamel("MIPLabel"));
        assertEquals("ms365DCustomDetection", GraphAuditRecord.lowerCamel("MS365DCustomDetection"));
        assertEquals("aeD", GraphAuditRecord.lowerCamel("AeD"));
        assertTrue(GraphAuditRecord.RECORD_TYPE_NAMES.containsAll(List.of("sharePointFileOperation", "microsoftTeams",
                "dlpEndpoint", "wdatpAlerts", "mcasAlerts", "omePortal")));
    }

    @Test
    void theWindowAndTheRecordTypeAndServiceFiltersSelectRecords() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            tenant.addBlobs("Audit.Exchange", 3, 10, NOW.minus(DAY.multipliedBy(12)));
            tenant.addBlobs("Audit.SharePoint", 2, 10, NOW.minus(DAY.multipliedBy(12)));
            tenant.addBlobs("Audit.AzureActiveDirectory", 2, 10, NOW.minus(DAY.multipliedBy(12)));
            String bearer = graphToken(s);
            Map<String, JsonNode> all = blobRecords(tenant, NOW);
            Instant start = NOW.minus(DAY.multipliedBy(13));

            // record types: Graph's names of the RecordType numbers
            Set<String> exchangeItems = all.values().stream().filter(r -> r.get("RecordType").asInt() == 2)
                    .map(r -> r.get("Id").asText()).collect(Collectors.toSet());
            assertFalse(exchangeItems.isEmpty());
            assertEquals(exchangeItems, new HashSet<>(recordIds(runQuery(s, bearer,
                    queryBody(start, NOW, "recordTypeFilters", List.of("exchangeItem"))))));
            // services: the Workload, in serviceFilters or the singular serviceFilter
            Set<String> sharePoint = all.values().stream().filter(r -> r.get("Workload").asText().equals("SharePoint"))
                    .map(r -> r.get("Id").asText()).collect(Collectors.toSet());
            assertEquals(sharePoint, new HashSet<>(recordIds(runQuery(s, bearer,
                    queryBody(start, NOW, "serviceFilters", List.of("SharePoint"))))));
            assertEquals(sharePoint, new HashSet<>(recordIds(runQuery(s, bearer,
                    queryBody(start, NOW, "serviceFilter", "SharePoint")))));
            assertEquals(0, runQuery(s, bearer, queryBody(start, NOW, "serviceFilters", List.of("SharePoint"),
                    "recordTypeFilters", List.of("exchangeItem"))).size());

            // the window: filterStartDateTime <= CreationTime < filterEndDateTime
            List<Instant> times = all.values().stream().map(SimulatorGraphTestSupport::creationTime).sorted().distinct()
                    .toList();
            Instant from = times.get(5);
            Instant to = times.get(times.size() - 5);
            Set<String> inWindow = all.values().stream()
                    .filter(r -> !creationTime(r).isBefore(from) && creationTime(r).isBefore(to))
                    .map(r -> r.get("Id").asText()).collect(Collectors.toSet());
            List<JsonNode> got = runQuery(s, bearer, queryBody(from, to));
            assertEquals(inWindow, new HashSet<>(recordIds(got)));
            assertTrue(got.stream().anyMatch(r -> r.get("createdDateTime").asText().equals(from.toString())));
            assertTrue(got.stream().noneMatch(r -> r.get("createdDateTime").asText().equals(to.toString())));
            assertEquals(List.of(new GraphQueryWindow(start, NOW), new GraphQueryWindow(start, NOW),
                    new GraphQueryWindow(start, NOW), new GraphQueryWindow(start, NOW),
                    new GraphQueryWindow(from, to)), tenant.graphQueryWindows());
        }
    }

    @Test
    void pagesHonourTopAndRefuseForeignSkipTokens() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().graphPageSize(7).build()) {
            s.start();
            s.tenant(s.tenantId()).addBlobs("Audit.General", 2, 10, NOW.minus(DAY));
            String bearer = graphToken(s);
            String id = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(2)), NOW)).get("id").asText();
            String other = createQuery(s, bearer, queryBody(NOW.minus(DAY.multipliedBy(2)), NOW)).get("id").asText();
            pollUntilDone(s, bearer, id);
            pollUntilDone(s, bearer, other);
            List<JsonNode> pages = pages(s, bearer, id, "$top=3");
            assertEquals(7, pages.size()); // 20 records, 3 a page
            assertTrue(pages.get(0).get("@odata.nextLink").asText().contains("$top=3&$skiptoken="));
            assertEquals(2, pages.get(6).get("value").size());
            assertEquals(recordIds(records(pages(s, bearer, id, null))), recordIds(records(pages)));
            // $top above the page size: pages of the page size
            assertEquals(3, pages(s, bearer, id, "$top=999").size());
            assertErrorCode(graph(s, "GET", QUERIES + "/" + id + "/records?$top=0", bearer, null), 400, "BadRequest");
            // a skip token of another query, or a forged one
            String next = pages.get(0).get("@odata.nextLink").asText();
            String token = next.substring(next.indexOf("$skiptoken=") + "$skiptoken=".length());
            assertErrorCode(graph(s, "GET", QUERIES + "/" + other + "/records?$skiptoken=" + token, bearer, null),
                    400, "BadRequest");
            assertErrorCode(graph(s, "GET", QUERIES + "/" + id + "/records?$skiptoken=forged", bearer, null),
                    400, "BadRequest");
        }
    }

    @Test
    void theLogHoldsEveryRecordOnceForTheWholeRetentionButNotBlobsYetToCome() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        try (ManagementApiSimulator s = graphSimulator().clock(clock(now)).duplicateRecordShare(0.4).build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            tenant.addBlobs("Audit.Exchange", 4, 10, NOW.minus(DAY.multipliedBy(30)));
            List<ManagementApiSimulator.Blob> recent = tenant.addBlobs("Audit.Exchange", 2, 10, NOW.minus(DAY));
            tenant.expireBlob(recent.get(0).contentId());
            tenant.addPoisonBlob("Audit.Exchange", ManagementApiSimulator.PoisonKind.RECORD_WITHOUT_ID, NOW.minus(DAY));
            ManagementApiSimulator.Blob future = tenant.addBlobs("Audit.SharePoint", 1, 10, NOW.plus(Duration.ofHours(1)))
                    .get(0);
            assertTrue(tenant.servedCopyCount() > 0, "the service's own duplicates");
            String bearer = graphToken(s);
            String window = queryBody(NOW.minus(DAY.multipliedBy(31)), NOW.plus(DAY));

            List<JsonNode> got = runQuery(s, bearer, window);
            assertEquals(recordIds(got).size(), new HashSet<>(recordIds(got)).size(), "each record once");
            assertEquals(blobRecords(tenant, NOW).keySet(), new HashSet<>(recordIds(got)));
            Set<String> futureIds = idsOf(tenant.records(future.contentId()));
            assertTrue(recordIds(got).stream().noneMatch(futureIds::contains));
            // the expired blob's records are still in the log
            assertTrue(new HashSet<>(recordIds(got)).containsAll(idsOf(tenant.records(recent.get(0).contentId()))));

            // once its time has come, the blob's records are in the log too
            now.set(NOW.plus(Duration.ofHours(2)));
            Set<String> later = new HashSet<>(recordIds(runQuery(s, graphToken(s), window)));
            assertTrue(later.containsAll(futureIds));
            assertEquals(got.size() + 10, later.size());
        }
    }

    @Test
    void aTwentyDayStopIsRefusedByTheManagementApiAndServedByGraph() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            Instant stopped = NOW.minus(DAY.multipliedBy(20));
            List<ManagementApiSimulator.Blob> gap = tenant.addBlobs("Audit.Exchange", 2, 5, stopped);
            String management = tokenFor(s);
            // the Management API: a window more than 7 days back is AF20055, the blob itself AF20051
            assertErrorCode(call(s, "GET", "subscriptions/content?contentType=Audit.Exchange&startTime="
                    + SECONDS.format(stopped.minus(Duration.ofHours(12))) + "&endTime="
                    + SECONDS.format(stopped.plus(Duration.ofHours(12))), management), 400, "AF20055");
            assertErrorCode(call(s, "GET", "audit/" + gap.get(0).contentId(), management), 400, "AF20051");
            // Graph: every record of the gap
            List<JsonNode> got = runQuery(s, graphToken(s), queryBody(stopped.minus(DAY), stopped.plus(DAY)));
            assertEquals(blobRecords(tenant, NOW).keySet(), new HashSet<>(recordIds(got)));
            assertEquals(10, got.size());
        }
    }

    @Test
    void aRecordIsNeverCreatedAfterItsBlob() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(3).https(false).blobsPerContentType(4)
                .recordsPerBlob(25).duplicateRecordShare(0.3).build()) {
            s.start();
            for (ManagementApiSimulator.Blob b : s.blobs()) {
                for (String text : s.records(b.contentId())) {
                    Instant created = creationTime(JSON.readTree(text));
                    // a copy the service served again is older still: it was made for an earlier blob
                    assertTrue(created.isBefore(b.contentCreated()), created + " vs " + b.contentCreated());
                }
            }
        }
    }

    private static Set<String> idsOf(List<String> servedRecords) throws java.io.IOException {
        Set<String> ids = new HashSet<>();
        for (String text : servedRecords) {
            ids.add(JSON.readTree(text).get("Id").asText());
        }
        return ids;
    }

    private static List<String> fieldList(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
