package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blob fetch: identity and gzip bodies, blob errors and realistic records per content type. */
class SimulatorBlobFetchTest extends SimulatorTestSupport {

    @Test
    void blobGetIdentityAndGzip() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.SharePoint", 1, 7, null).get(0);
        String uri = sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/audit/" + blob.contentId();
        List<String> expected = sim.records(blob.contentId());
        String expectedBody = "[" + String.join(",", expected) + "]";

        HttpResponse<byte[]> plain = getBytes(uri + "?PublisherIdentifier=" + sim.tenantId(), null);
        assertEquals(200, plain.statusCode());
        assertEquals("application/json; charset=utf-8", plain.headers().firstValue("Content-Type").orElse(""));
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        assertEquals(expectedBody, new String(plain.body(), StandardCharsets.UTF_8));

        HttpResponse<byte[]> zipped = getBytes(uri, "gzip, deflate");
        assertEquals(200, zipped.statusCode());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        byte[] unzipped;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            unzipped = in.readAllBytes();
        }
        assertEquals(expectedBody, new String(unzipped, StandardCharsets.UTF_8));

        awaitCount(() -> sim.blobGetCount(blob.contentId()), 2);
        assertEquals(2, sim.blobGetCounts().get(blob.contentId()));
        assertTrue(sim.recordsByContentType().get("Audit.SharePoint").containsAll(expected));

        // each record: realistic common fields
        JsonNode array = JSON.readTree(unzipped);
        assertEquals(7, array.size());
        for (JsonNode rec : array) {
            assertEquals(sim.tenantId(), rec.get("OrganizationId").asText());
            assertTrue(rec.get("Id").asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
            String ct = rec.get("CreationTime").asText();
            assertTrue(ct.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"), ct);
            assertTrue(LocalDateTime.parse(ct).toInstant(ZoneOffset.UTC).isBefore(blob.contentCreated()));
            assertTrue(rec.get("RecordType").isInt());
            assertNotNull(rec.get("Workload"));
        }
    }

    @Test
    void blobErrors() throws Exception {
        String prefix = "audit/";
        assertErrorCode(api("GET", prefix + "20250304134501123456789$20250304140211987654321$audit_sharepoint$Audit_SharePoint$na0036"),
                404, "AF20050");
        ManagementApiSimulator.Blob old = sim.addBlobs("Audit.SharePoint", 1, 1, Instant.now().minus(Duration.ofDays(8))).get(0);
        assertErrorCode(api("GET", prefix + old.contentId()), 400, "AF20051");
        ManagementApiSimulator.Blob dlp = sim.addBlobs("DLP.All", 1, 1, null).get(0);
        assertErrorCode(api("GET", prefix + dlp.contentId()), 400, "AF20022");
        assertEquals(0, sim.blobGetCount(old.contentId()));
        // $ may also arrive percent-encoded
        ManagementApiSimulator.Blob ok = sim.addBlobs("Audit.Exchange", 1, 1, null).get(0);
        assertEquals(200, api("GET", prefix + ok.contentId().replace("$", "%24")).statusCode());
    }

    @Test
    void recordsAreRealisticForEveryContentType() throws Exception {
        Map<String, List<String>> all = sim.recordsByContentType();
        assertEquals(Set.copyOf(ManagementApiSimulator.ALL_CONTENT_TYPES), all.keySet());
        Set<String> ids = new HashSet<>();
        long bytes = 0;
        boolean nonAscii = false;
        int total = 0;
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            for (String rec : e.getValue()) {
                JsonNode json = JSON.readTree(rec);
                assertEquals(rec, JSON.writeValueAsString(json), "compact JSON");
                assertTrue(ids.add(json.get("Id").asText()), "unique Id");
                bytes += rec.getBytes(StandardCharsets.UTF_8).length;
                nonAscii |= rec.chars().anyMatch(c -> c > 127);
                total++;
                String workload = json.get("Workload").asText();
                switch (e.getKey()) {
                    case "Audit.AzureActiveDirectory" -> assertEquals("AzureActiveDirectory", workload);
                    case "Audit.Exchange" -> assertEquals("Exchange", workload);
                    case "Audit.SharePoint" -> assertTrue(Set.of("SharePoint", "OneDrive").contains(workload));
                    case "DLP.All" -> assertEquals("DlpRuleMatch", json.get("Operation").asText());
                    default -> assertTrue(Set.of("MicrosoftTeams", "Copilot").contains(workload));
                }
            }
        }
        assertEquals(sim.recordCount(), total);
        assertTrue(nonAscii);
        long average = bytes / total;
        assertTrue(average > 900 && average < 2500, "average record size " + average);
    }
}
