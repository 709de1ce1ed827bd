package io.github.o365auditcamel.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.fetch.CountingInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's hostile references and listing traps (issue 19), fetched through plain java.net.http. */
class HostileReferencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Never follows redirects (HttpClient's default, said explicitly). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private static final String EXCHANGE = "Audit.Exchange";
    private static final String SHAREPOINT = "Audit.SharePoint";
    private static final String SECOND_TENANT = "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a";

    private static ManagementApiSimulator sim;
    private static String bearer;
    /** Every hostile kind, one of each, in Audit.Exchange at AT. */
    private static final Map<HostileReference, ManagementApiSimulator.Blob> REFS = new LinkedHashMap<>();
    private static final Instant AT = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
    private static int recordCountBefore;
    private static Map<String, List<String>> recordsBefore;

    @BeforeAll
    static void start() throws Exception {
        sim = ManagementApiSimulator.builder().seed(19).blobsPerContentType(2).recordsPerBlob(3).pageSize(50)
                .repeatBlobsInListing(false).backlog(Duration.ofHours(2)).subscriptionsInitiallyEnabled(true)
                .tenant(TenantSpec.of(SECOND_TENANT).clientId("6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c")
                        .clientSecret("second~Secret.Value_0123456789").contentTypes(List.of(EXCHANGE)))
                .build();
        sim.start();
        bearer = token(sim, sim.tenantId(), sim.clientId(), sim.clientSecret());
        // good blobs just before and just after the hostile references
        sim.addBlobs(EXCHANGE, 2, 3, AT.minusSeconds(5));
        sim.addBlobs(EXCHANGE, 2, 3, AT.plusSeconds(5));
        recordCountBefore = sim.recordCount();
        recordsBefore = sim.recordsByContentType();
        for (HostileReference kind : HostileReference.values()) {
            REFS.put(kind, sim.addHostileReference(EXCHANGE, kind, AT));
        }
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void everyKindIsListedOnceAmongGoodBlobs() throws Exception {
        HttpResponse<String> r = get(listingUrl(sim.tenantId(), EXCHANGE), null);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.body().contains("\r") || r.body().contains("\n") || r.body().contains("\u0007"),
                "control characters are JSON-escaped");
        Map<String, JsonNode> listed = new LinkedHashMap<>();
        for (JsonNode item : JSON.readTree(r.body())) {
            assertNull(listed.put(item.get("contentId").asText(), item), "listed once");
        }
        assertEquals(4 + HostileReference.values().length, listed.size(), listed.keySet().toString());
        String prefix = sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/audit/";
        Set<String> good = new HashSet<>(listed.keySet());
        for (HostileReference kind : HostileReference.values()) {
            ManagementApiSimulator.Blob blob = REFS.get(kind);
            HostileEntry entry = sim.hostileReference(blob.contentId());
            JsonNode item = listed.get(blob.contentId());
            good.remove(blob.contentId());
            assertEquals(kind, entry.kind());
            assertEquals(EXCHANGE, blob.contentType());
            assertEquals(EXCHANGE, entry.listedUnder());
            assertEquals(AT, blob.contentCreated());
            assertEquals(kind == HostileReference.HUGE_RECORD ? 2 : 0, blob.recordCount(), kind.name());
            assertTrue(item.get("contentCreated").isTextual() && item.get("contentExpiration").isTextual(), kind.name());
            assertEquals(kind == HostileReference.WRONG_CONTENT_TYPE ? SHAREPOINT : EXCHANGE,
                    item.get("contentType").asText(), kind.name());
            assertEquals(entry.listedContentType(), item.get("contentType").asText());
            switch (kind) {
                case MISSING_CONTENT_URI -> {
                    assertFalse(item.has("contentUri"), item.toString());
                    assertNull(entry.uriContentId());
                }
                case BAD_CONTENT_ID -> {
                    assertTrue(blob.contentId().contains("\r\nFAKE LOG LINE"), blob.contentId());
                    assertTrue(blob.contentId().contains("\u0007"), blob.contentId());
                    assertTrue(r.body().contains("\\r\\nFAKE LOG LINE"), "escaped in the listing");
                    assertTrue(r.body().contains("\\u0007"), "escaped in the listing");
                    assertNotEquals(blob.contentId(), entry.uriContentId());
                    assertTrue(entry.uriContentId().matches("\\d{23}\\$\\d{23}\\$audit_exchange\\$Audit_Exchange\\$[a-z]+\\d{4}"));
                    assertEquals(prefix + entry.uriContentId(), item.get("contentUri").asText());
                }
                default -> {
                    assertEquals(blob.contentId(), entry.uriContentId());
                    assertEquals(prefix + blob.contentId(), item.get("contentUri").asText(), kind.name());
                }
            }
        }
        for (String id : good) {
            assertEquals(prefix + id, listed.get(id).get("contentUri").asText());
            assertEquals(EXCHANGE, listed.get(id).get("contentType").asText());
        }
        assertEquals(4, good.size());
    }

    @Test
    void onlyTheHugeRecordsNormalRecordsAreDeliverable() {
        HostileEntry huge = sim.hostileReference(REFS.get(HostileReference.HUGE_RECORD).contentId());
        HostileEntry wrong = sim.hostileReference(REFS.get(HostileReference.WRONG_CONTENT_TYPE).contentId());
        assertEquals(recordCountBefore + 2, sim.recordCount());
        List<String> exchange = sim.recordsByContentType().get(EXCHANGE);
        List<String> deliverableIds = exchange.stream().map(HostileReferencesTest::id).toList();
        assertTrue(deliverableIds.containsAll(huge.deliverableRecordIds()));
        assertFalse(deliverableIds.contains(huge.hugeRecordId()));
        assertEquals(List.of(), wrong.deliverableRecordIds());
        assertEquals(5, wrong.undeliverableRecordIds().size());
        for (List<String> records : sim.recordsByContentType().values()) {
            assertTrue(records.stream().map(HostileReferencesTest::id).noneMatch(wrong.undeliverableRecordIds()::contains));
        }
        assertEquals(recordsBefore.get(SHAREPOINT), sim.recordsByContentType().get(SHAREPOINT));
        assertEquals(sim.recordCount(), sim.recordsByContentType().values().stream().mapToInt(List::size).sum());
        for (HostileReference kind : HostileReference.values()) {
            if (kind != HostileReference.HUGE_RECORD) {
                HostileEntry e = sim.hostileReference(REFS.get(kind).contentId());
                assertEquals(List.of(), e.deliverableRecordIds(), kind.name());
                assertNull(e.hugeRecordId());
                assertEquals(List.of(), sim.records(e.contentId()), kind.name());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> sim.hostileReference(sim.blobs().get(0).contentId()));
    }

    @Test
    void missingContentUriAndBadContentIdAnswerNotFound() throws Exception {
        String missing = REFS.get(HostileReference.MISSING_CONTENT_URI).contentId();
        HttpResponse<String> r = get(blobUrl(sim.tenantId(), missing), null);
        assertErrorCode(r, 404, "AF20050");
        assertEquals(1, sim.hostileRequestCount(missing));
        assertEquals(0, sim.blobGetCount(missing));
        assertFalse(sim.blobGetCounts().containsKey(missing));

        HostileEntry bad = sim.hostileReference(REFS.get(HostileReference.BAD_CONTENT_ID).contentId());
        assertErrorCode(get(blobUrl(sim.tenantId(), bad.uriContentId()), null), 404, "AF20050");
        assertEquals(1, sim.hostileRequestCount(bad.contentId()));
        // the bad contentId itself, percent-encoded in the path
        String encoded = URLEncoder.encode(bad.contentId(), StandardCharsets.UTF_8).replace("+", "%20");
        assertErrorCode(get(blobUrl(sim.tenantId(), encoded), null), 400, "AF20052");
        assertEquals(2, sim.hostileRequestCount(bad.contentId()));
        assertEquals(0, sim.blobGetCount(bad.contentId()));
        assertFalse(sim.blobGetCounts().containsKey(bad.contentId()));
    }

    @Test
    void redirectAnswers302ToTheMetadataEndpointEveryTime() throws Exception {
        String id = REFS.get(HostileReference.REDIRECT).contentId();
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = get(blobUrl(sim.tenantId(), id), i == 2 ? "gzip" : null);
            assertEquals(302, r.statusCode(), r.body());
            assertEquals("http://169.254.169.254/latest/meta-data/", r.headers().firstValue("Location").orElse(null));
            assertTrue(r.body().contains("Object moved") && r.body().length() < 1024, r.body());
            assertEquals(i, sim.hostileRequestCount(id));
        }
        assertEquals(0, sim.blobGetCount(id));
        assertFalse(sim.blobGetCounts().containsKey(id));
    }

    @Test
    void hugeRecordSitsBetweenTwoNormalRecords() throws Exception {
        String id = REFS.get(HostileReference.HUGE_RECORD).contentId();
        HostileEntry entry = sim.hostileReference(id);
        int before = sim.blobGetCount(id);
        HttpResponse<String> r = get(blobUrl(sim.tenantId(), id), null);
        assertEquals(200, r.statusCode());
        assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode array = JSON.readTree(r.body());
        assertEquals(3, array.size());
        List<String> ids = new ArrayList<>();
        array.forEach(rec -> ids.add(rec.get("Id").asText()));
        assertEquals(List.of(entry.deliverableRecordIds().get(0), entry.hugeRecordId(), entry.deliverableRecordIds().get(1)), ids);
        assertEquals(3 * 512 * 1024, JSON.writeValueAsBytes(array.get(1)).length);
        assertTrue(JSON.writeValueAsBytes(array.get(0)).length < 10_000);
        assertTrue(JSON.writeValueAsBytes(array.get(2)).length < 10_000);
        assertEquals("Exchange", array.get(1).get("Workload").asText());
        assertEquals(sim.records(id), List.of(JSON.writeValueAsString(array.get(0)), JSON.writeValueAsString(array.get(2))));
        // gzip when asked, like any blob
        HttpResponse<InputStream> z = HTTP.send(request(blobUrl(sim.tenantId(), id), "gzip"), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("gzip", z.headers().firstValue("Content-Encoding").orElse(""));
        try (InputStream in = new GZIPInputStream(z.body())) {
            assertEquals(r.body(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        awaitCount(() -> sim.blobGetCount(id), before + 2);
        assertEquals(2, sim.hostileRequestCount(id));
    }

    @Test
    void blankBombIsSmallOnTheWireAndInflatesTo200MiBOfBlanks() throws Exception {
        String id = REFS.get(HostileReference.BLANK_BOMB).contentId();
        // no Accept-Encoding at all: gzip anyway; inflated as a stream, never held
        HttpResponse<InputStream> r = HTTP.send(request(blobUrl(sim.tenantId(), id), null), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
        long wire = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        assertTrue(wire > 0 && wire < 1_000_000, "compressed " + wire);
        CountingInputStream counted = new CountingInputStream(r.body());
        long inflated = 0;
        int first = -1;
        int last = -1;
        try (InputStream in = new GZIPInputStream(counted, 64 * 1024)) {
            byte[] buf = new byte[256 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != ' ') {
                        if (first < 0 && inflated + i == 0) {
                            first = buf[i];
                        } else {
                            last = buf[i];
                            assertEquals(HostileContent.BLANK_BOMB_INFLATED_BYTES - 1, inflated + i, "only blanks between");
                        }
                    }
                }
                inflated += n;
            }
        }
        assertEquals('[', first);
        assertEquals(']', last);
        assertEquals(200L * 1024 * 1024 + 2, inflated);
        assertEquals(wire, counted.count());
        // identity only, or gzip: the same compressed bytes
        for (String acceptEncoding : new String[] {"identity", "gzip"}) {
            HttpResponse<byte[]> again = HTTP.send(request(blobUrl(sim.tenantId(), id), acceptEncoding),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, again.statusCode());
            assertEquals("gzip", again.headers().firstValue("Content-Encoding").orElse(""), "whatever " + acceptEncoding);
            assertArrayEquals(HostileContent.blankBombGzip(), again.body());
            assertEquals(wire, again.body().length);
        }
        awaitCount(() -> sim.blobGetCount(id), 3);
        assertEquals(3, sim.hostileRequestCount(id));
    }

    @Test
    void wrongContentTypeServesRecordsOfTheClaimedType() throws Exception {
        String id = REFS.get(HostileReference.WRONG_CONTENT_TYPE).contentId();
        HostileEntry entry = sim.hostileReference(id);
        assertEquals(SHAREPOINT, entry.listedContentType());
        HttpResponse<String> r = get(blobUrl(sim.tenantId(), id), null);
        assertEquals(200, r.statusCode());
        JsonNode array = JSON.readTree(r.body());
        assertEquals(5, array.size());
        List<String> ids = new ArrayList<>();
        for (JsonNode rec : array) {
            ids.add(rec.get("Id").asText());
            assertTrue(Set.of("SharePoint", "OneDrive").contains(rec.get("Workload").asText()), rec.toString());
        }
        assertEquals(entry.undeliverableRecordIds(), ids);
        awaitCount(() -> sim.blobGetCount(id), 1);
        assertEquals(1, sim.hostileRequestCount(id));
    }

    @Test
    void wrongContentTypeDefaultsAndExplicitClaims() {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(3).blobsPerContentType(0).build()) {
            s.start();
            Map<String, String> expected = Map.of("Audit.AzureActiveDirectory", "Audit.Exchange",
                    "Audit.Exchange", "Audit.SharePoint", "Audit.SharePoint", "Audit.General",
                    "Audit.General", "Audit.AzureActiveDirectory", "DLP.All", "Audit.General");
            expected.forEach((under, claimed) -> assertEquals(claimed, s.hostileReference(
                    s.addHostileReference(under, HostileReference.WRONG_CONTENT_TYPE, null).contentId()).listedContentType()));
            ManagementApiSimulator.Blob dlp = s.addWrongContentTypeReference("Audit.General", "DLP.All", null);
            assertEquals("DLP.All", s.hostileReference(dlp.contentId()).listedContentType());
            assertEquals("Audit.General", dlp.contentType());
            assertThrows(IllegalArgumentException.class, () -> s.addWrongContentTypeReference("Audit.General", "Audit.General", null));
            assertThrows(IllegalArgumentException.class, () -> s.addWrongContentTypeReference("Audit.General", "Audit.Nope", null));
            assertThrows(IllegalArgumentException.class, () -> s.addHostileReference("Audit.Nope", HostileReference.REDIRECT, null));
            assertEquals(0, s.recordCount());
        }
    }

    @Test
    void foreignNextPageNamesAnotherHostUntilCleared() throws Exception {
        String url = listingUrl(sim.tenantId(), SHAREPOINT);
        assertTrue(get(url, null).headers().firstValue("NextPageUri").isEmpty(), "one page");
        sim.listingTrap(SHAREPOINT, ListingTrap.FOREIGN_NEXT_PAGE);
        for (int i = 1; i <= 2; i++) {
            HttpResponse<String> r = get(url, null);
            assertEquals(200, r.statusCode());
            String next = r.headers().firstValue("NextPageUri").orElse("");
            assertTrue(next.startsWith("https://evil.example.com/api/v1.0/" + sim.tenantId()
                    + "/activity/feed/subscriptions/content?contentType=Audit.SharePoint&startTime="), next);
            assertTrue(next.contains("&nextPage="), next);
            assertEquals(i, sim.listingTrapCount(SHAREPOINT));
        }
        sim.listingTrap(SHAREPOINT, ListingTrap.FOREIGN_NEXT_PAGE, "http://127.0.0.1:9/");
        assertTrue(get(url, null).headers().firstValue("NextPageUri").orElse("").startsWith("http://127.0.0.1:9/api/v1.0/"));
        assertEquals(0, sim.listingTrapCount(EXCHANGE), "other types untouched");
        assertTrue(get(listingUrl(sim.tenantId(), "Audit.General"), null).headers().firstValue("NextPageUri").isEmpty());
        sim.listingTrap(SHAREPOINT, null);
        assertTrue(get(url, null).headers().firstValue("NextPageUri").isEmpty());
        assertEquals(3, sim.listingTrapCount(SHAREPOINT));
    }

    @Test
    void selfNextPageServesTheSamePageForever() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(7).contentTypes(List.of(EXCHANGE))
                .blobsPerContentType(5).recordsPerBlob(1).pageSize(2).repeatBlobsInListing(false).backlog(Duration.ofHours(1))
                .subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            String b = token(s, s.tenantId(), s.clientId(), s.clientSecret());
            String first = s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/content?contentType="
                    + EXCHANGE;
            // untrapped: 3 pages
            int pages = 0;
            for (String url = first; url != null; pages++) {
                url = send(b, url).headers().firstValue("NextPageUri").orElse(null);
            }
            assertEquals(3, pages);

            s.listingTrap(EXCHANGE, ListingTrap.SELF_NEXT_PAGE);
            HttpResponse<String> page0 = send(b, first);
            String next = page0.headers().firstValue("NextPageUri").orElseThrow();
            assertTrue(next.startsWith(s.baseUrl() + "/api/v1.0/" + s.tenantId()
                    + "/activity/feed/subscriptions/content?contentType=Audit.Exchange&startTime="), next);
            String url = next;
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> again = send(b, url);
                assertEquals(200, again.statusCode(), again.body());
                assertEquals(JSON.readTree(page0.body()), JSON.readTree(again.body()), "the same page");
                assertEquals(url, again.headers().firstValue("NextPageUri").orElse(null), "points at itself");
            }
            assertEquals(6, s.listingTrapCount(EXCHANGE));
            // a later page of an untrapped listing, then trapped: it points at itself too
            s.listingTrap(EXCHANGE, null);
            String second = send(b, first).headers().firstValue("NextPageUri").orElseThrow();
            s.listingTrap(EXCHANGE, ListingTrap.SELF_NEXT_PAGE);
            assertEquals(second, send(b, second).headers().firstValue("NextPageUri").orElse(null));
            // a middle page, foreign: the real next page's path and query on the other host
            s.listingTrap(EXCHANGE, ListingTrap.FOREIGN_NEXT_PAGE);
            assertTrue(send(b, second).headers().firstValue("NextPageUri").orElse("").startsWith("https://evil.example.com/"));
        }
    }

    @Test
    void aTenantViewHasItsOwnReferencesAndTraps() throws Exception {
        SimulatedTenant second = sim.tenant(SECOND_TENANT);
        String b = token(sim, SECOND_TENANT, second.clientId(), second.clientSecret());
        int before = second.recordCount();
        ManagementApiSimulator.Blob huge = second.addHostileReference(EXCHANGE, HostileReference.HUGE_RECORD, AT);
        ManagementApiSimulator.Blob redirect = second.addHostileReference(EXCHANGE, HostileReference.REDIRECT, AT);
        assertEquals(before + 2, second.recordCount());
        assertThrows(IllegalArgumentException.class, () -> sim.hostileReference(huge.contentId()));
        assertEquals(HostileReference.HUGE_RECORD, second.hostileReference(huge.contentId()).kind());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(blobUrl(SECOND_TENANT, redirect.contentId())))
                .header("Authorization", "Bearer " + b).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        assertEquals(1, second.hostileRequestCount(redirect.contentId()));
        second.listingTrap(EXCHANGE, ListingTrap.SELF_NEXT_PAGE);
        HttpResponse<String> listing = HTTP.send(HttpRequest.newBuilder(URI.create(listingUrl(SECOND_TENANT, EXCHANGE)))
                .header("Authorization", "Bearer " + b).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(listing.headers().firstValue("NextPageUri").isPresent());
        assertEquals(1, second.listingTrapCount(EXCHANGE));
        assertTrue(get(listingUrl(sim.tenantId(), EXCHANGE), null).headers().firstValue("NextPageUri").isEmpty(),
                "the primary tenant's listing is untouched");
        second.listingTrap(EXCHANGE, null);
    }

    // ------------------------------------------------------------------ helpers

    private static String id(String record) {
        try {
            return JSON.readTree(record).get("Id").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String listingUrl(String tenant, String contentType) {
        return sim.baseUrl() + "/api/v1.0/" + tenant + "/activity/feed/subscriptions/content?contentType=" + contentType
                + "&startTime=" + SECONDS.format(AT.minus(Duration.ofMinutes(1))) + "&endTime="
                + SECONDS.format(AT.plus(Duration.ofMinutes(1)));
    }

    private static String blobUrl(String tenant, String contentId) {
        return sim.baseUrl() + "/api/v1.0/" + tenant + "/activity/feed/audit/" + contentId;
    }

    private static HttpRequest request(String url, String acceptEncoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Bearer " + bearer);
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return b.build();
    }

    private static HttpResponse<String> get(String url, String acceptEncoding) throws IOException, InterruptedException {
        return HTTP.send(request(url, acceptEncoding), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String bearerToken, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET()
                .header("Authorization", "Bearer " + bearerToken).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r;
    }

    private static String token(ManagementApiSimulator s, String tenant, String clientId, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + clientId + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode("https://manage.office.com/.default", StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/" + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private static void assertErrorCode(HttpResponse<String> r, int status, String code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, JSON.readTree(r.body()).path("error").path("code").asText(), r.body());
    }

    /** The server counts a completed download right after writing it: give it a moment. */
    private static void awaitCount(IntSupplier count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (count.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, count.getAsInt());
    }
}
