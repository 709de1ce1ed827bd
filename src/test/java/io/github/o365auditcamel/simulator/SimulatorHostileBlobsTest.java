package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile content: poison, foreign and expired blobs. */
class SimulatorHostileBlobsTest extends SimulatorTestSupport {

    @Test
    void poisonBlobsAreListedServedAndNotDeliverable() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(11).blobsPerContentType(2).recordsPerBlob(3)
                .pageSize(3).subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            String bearer = tokenFor(s);
            Instant at = Instant.now().minus(Duration.ofMinutes(30));
            ManagementApiSimulator.Blob outside = s.addPoisonBlob("Audit.Exchange", ManagementApiSimulator.PoisonKind.NOT_JSON,
                    at.minus(Duration.ofHours(3)));
            for (ManagementApiSimulator.PoisonKind kind : ManagementApiSimulator.PoisonKind.values()) {
                int countBefore = s.recordCount();
                Map<String, List<String>> recordsBefore = s.recordsByContentType();
                ManagementApiSimulator.Blob blob = s.addPoisonBlob("Audit.Exchange", kind, at);
                String id = blob.contentId();
                assertTrue(id.matches("\\d{23}\\$\\d{23}\\$audit_exchange\\$Audit_Exchange\\$[a-z]+\\d{4}"), id);
                assertEquals(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), blob.contentCreated());
                assertEquals(0, blob.recordCount());
                assertTrue(s.records(id).isEmpty());

                Map<String, String> listed = listContentUris(s, bearer, "Audit.Exchange", at.minusSeconds(60), at.plusSeconds(60));
                assertEquals(s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/audit/" + id, listed.get(id), kind.name());
                assertFalse(listed.containsKey(outside.contentId()), "time window filter");

                HttpResponse<byte[]> plain = HTTP.send(blobRequest(s, bearer, id).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, plain.statusCode(), kind.name());
                String body = new String(plain.body(), StandardCharsets.UTF_8);
                String type = plain.headers().firstValue("Content-Type").orElse("");
                switch (kind) {
                    case NOT_AN_ARRAY -> {
                        assertEquals("application/json; charset=utf-8", type);
                        JsonNode json = JSON.readTree(body);
                        assertTrue(json.isObject(), body);
                        assertTrue(json.get("error").isTextual(), body);
                    }
                    case TRUNCATED -> {
                        assertEquals("application/json; charset=utf-8", type);
                        assertTrue(body.startsWith("[{"), body);
                        assertFalse(body.endsWith("]"));
                        assertThrows(IOException.class, () -> JSON.readTree(body));
                        // ten whole records, then the start of the 11th
                        com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(body);
                        assertEquals(com.fasterxml.jackson.core.JsonToken.START_ARRAY, parser.nextToken());
                        int whole = 0;
                        try {
                            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                                JsonNode rec = JSON.readTree(parser);
                                assertNotNull(rec.get("Id"));
                                whole++;
                            }
                        } catch (IOException expected) {
                            // the cut 11th record
                        }
                        assertEquals(10, whole);
                    }
                    case RECORD_WITHOUT_ID -> {
                        assertEquals("application/json; charset=utf-8", type);
                        JsonNode array = JSON.readTree(body);
                        assertTrue(array.isArray());
                        assertEquals(20, array.size());
                        for (int i = 0; i < 20; i++) {
                            assertEquals(i != 6, array.get(i).has("Id"), "record " + i);
                            assertEquals("Exchange", array.get(i).get("Workload").asText());
                            assertEquals(s.tenantId(), array.get(i).get("OrganizationId").asText());
                        }
                    }
                    case NOT_JSON -> {
                        assertTrue(type.startsWith("text/html"), type);
                        assertEquals("<html><body>Service Unavailable</body></html>", body);
                    }
                }
                // gzip like any other blob
                HttpResponse<byte[]> zipped = HTTP.send(blobRequest(s, bearer, id).header("Accept-Encoding", "gzip").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, zipped.statusCode());
                assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
                assertEquals(type, zipped.headers().firstValue("Content-Type").orElse(""));
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                    assertArrayEquals(plain.body(), in.readAllBytes());
                }
                awaitCount(() -> s.blobGetCount(id), 2);
                assertEquals(2, s.blobGetCounts().get(id));

                assertEquals(countBefore, s.recordCount(), kind.name());
                assertEquals(recordsBefore, s.recordsByContentType(), kind.name());
            }
            assertEquals(s.recordCount(), s.recordsByContentType().values().stream().mapToInt(List::size).sum());
        }
    }

    @Test
    void poisonBlobOfAnUnusedTypeLeavesRecordsByContentTypeUnchanged() {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(12).contentTypes(List.of("Audit.General"))
                .blobsPerContentType(1).recordsPerBlob(2).build()) {
            s.start();
            Map<String, List<String>> before = s.recordsByContentType();
            s.addPoisonBlob("DLP.All", ManagementApiSimulator.PoisonKind.RECORD_WITHOUT_ID, null);
            s.addForeignBlob("Audit.SharePoint", "http://127.0.0.1:1", null);
            assertEquals(before, s.recordsByContentType());
            assertEquals(2, s.recordCount());
            assertEquals(3, s.blobs().size());
        }
    }

    @Test
    void foreignBlobIsListedWithForeignUriAndNotServedHere() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(13).blobsPerContentType(2).recordsPerBlob(3)
                .subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            String bearer = tokenFor(s);
            int countBefore = s.recordCount();
            Map<String, List<String>> recordsBefore = s.recordsByContentType();
            Instant at = Instant.now().minus(Duration.ofMinutes(20));
            String foreign = "http://127.0.0.1:12345";
            ManagementApiSimulator.Blob blob = s.addForeignBlob("Audit.SharePoint", foreign, at);
            String id = blob.contentId();
            assertTrue(id.matches("\\d{23}\\$\\d{23}\\$audit_sharepoint\\$Audit_SharePoint\\$[a-z]+\\d{4}"), id);
            Map<String, String> listed = listContentUris(s, bearer, "Audit.SharePoint", at.minusSeconds(60), at.plusSeconds(60));
            assertTrue(listed.get(id).startsWith(foreign + "/"), listed.get(id));
            assertEquals(foreign + "/api/v1.0/" + s.tenantId() + "/activity/feed/audit/" + id, listed.get(id));

            HttpResponse<String> here = HTTP.send(blobRequest(s, bearer, id).build(), HttpResponse.BodyHandlers.ofString());
            assertErrorCode(here, 404, "AF20050");
            assertEquals(0, s.blobGetCount(id));
            assertFalse(s.blobGetCounts().containsKey(id));
            assertEquals(0, blob.recordCount());
            assertEquals(countBefore, s.recordCount());
            assertEquals(recordsBefore, s.recordsByContentType());
            assertThrows(IllegalArgumentException.class, () -> s.expireBlob(id));
        }
    }

    @Test
    void expiredBlobAnswersAf20051AndItsRecordsStopCounting() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(14).blobsPerContentType(2).recordsPerBlob(3)
                .subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            String bearer = tokenFor(s);
            Instant at = Instant.now().minus(Duration.ofMinutes(10));
            ManagementApiSimulator.Blob blob = s.addBlobs("Audit.General", 1, 5, at).get(0);
            List<String> itsRecords = s.records(blob.contentId());
            assertEquals(200, HTTP.send(blobRequest(s, bearer, blob.contentId()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            int before = s.recordCount();
            assertTrue(s.recordsByContentType().get("Audit.General").containsAll(itsRecords));

            s.expireBlob(blob.contentId());
            s.expireBlob(blob.contentId()); // idempotent

            HttpResponse<String> r = HTTP.send(blobRequest(s, bearer, blob.contentId()).build(), HttpResponse.BodyHandlers.ofString());
            assertErrorCode(r, 400, "AF20051");
            assertTrue(JSON.readTree(r.body()).get("error").get("message").asText()
                    .startsWith("Content requested with the key " + blob.contentId() + " has already expired."), r.body());
            assertEquals(before - blob.recordCount(), s.recordCount());
            assertEquals(before - 5, s.recordCount());
            assertTrue(s.recordsByContentType().get("Audit.General").stream().noneMatch(itsRecords::contains));
            assertEquals(s.recordCount(), s.recordsByContentType().values().stream().mapToInt(List::size).sum());
            assertEquals(1, s.blobGetCount(blob.contentId()));
            assertEquals(itsRecords, s.records(blob.contentId()));
            // still listed
            assertTrue(listContentUris(s, bearer, "Audit.General", at.minusSeconds(60), at.plusSeconds(60))
                    .containsKey(blob.contentId()));
            // a poison blob can be expired too
            ManagementApiSimulator.Blob poison = s.addPoisonBlob("Audit.General", ManagementApiSimulator.PoisonKind.TRUNCATED, at);
            s.expireBlob(poison.contentId());
            assertErrorCode(HTTP.send(blobRequest(s, bearer, poison.contentId()).build(), HttpResponse.BodyHandlers.ofString()),
                    400, "AF20051");
            assertEquals(before - 5, s.recordCount());
            assertThrows(IllegalArgumentException.class, () -> s.expireBlob("20250304134501123456789$20250304140211987654321"
                    + "$audit_general$Audit_General$na0036"));
        }
    }

    @Test
    void expiringWithServiceDuplicatesKeepsCountsConsistent() {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(15).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(5).recordsPerBlob(20).duplicateRecordShare(0.4).build()) {
            s.start();
            assertTrue(s.servedCopyCount() > 0);
            List<ManagementApiSimulator.Blob> blobs = s.blobs();
            s.expireBlob(blobs.get(2).contentId());
            assertEquals(s.recordCount(), s.recordsByContentType().get("Audit.Exchange").size());
            // copies made after an expired or a poison blob come from a deliverable blob
            s.expireBlob(blobs.get(4).contentId());
            s.addBlobs("Audit.Exchange", 2, 20, null);
            assertEquals(s.recordCount(), s.recordsByContentType().get("Audit.Exchange").size());
            s.addPoisonBlob("Audit.Exchange", ManagementApiSimulator.PoisonKind.RECORD_WITHOUT_ID, null);
            s.addBlobs("Audit.Exchange", 2, 20, null);
            assertEquals(s.recordCount(), s.recordsByContentType().get("Audit.Exchange").size());
            s.expireBlob(blobs.get(3).contentId());
            assertEquals(s.recordCount(), s.recordsByContentType().get("Audit.Exchange").size());
        }
    }
}
