package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManagementApiSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static ManagementApiSimulator sim;
    private static String token;

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = ManagementApiSimulator.builder()
                .seed(42)
                .contentTypes(List.of("Audit.SharePoint", "Audit.Exchange", "Audit.AzureActiveDirectory", "DLP.All", "Audit.General"))
                .blobsPerContentType(6)
                .recordsPerBlob(20)
                .pageSize(4)
                .build();
        sim.start();
        token = v2Token().get("access_token").asText();
        // the listing tests need an enabled subscription; the start/AF20024 test uses Audit.General
        assertEquals(200, api("POST", "subscriptions/start?contentType=Audit.SharePoint").statusCode());
        assertEquals(200, api("POST", "subscriptions/start?contentType=Audit.Exchange").statusCode());
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    // ------------------------------------------------------------------ token endpoint

    @Test
    void v2TokenWithFormSecret() throws Exception {
        HttpResponse<String> r = post("/" + sim.tenantId() + "/oauth2/v2.0/token", form(
                "grant_type", "client_credentials", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode json = JSON.readTree(r.body());
        assertEquals("Bearer", json.get("token_type").asText());
        assertTrue(json.get("expires_in").isInt());
        assertEquals(3600, json.get("expires_in").asInt());
        assertEquals(3, json.get("access_token").asText().split("\\.").length);
        assertNull(json.get("resource"));
    }

    @Test
    void v1TokenHasStringNumbersAndAcceptsDomainTenant() throws Exception {
        HttpResponse<String> r = post("/" + sim.tenantDomain() + "/oauth2/token?api-version=1.0", form(
                "grant_type", "client_credentials", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "resource", "https://manage.office.com"), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode json = JSON.readTree(r.body());
        assertTrue(json.get("expires_in").isTextual());
        assertEquals("3600", json.get("expires_in").asText());
        assertTrue(json.get("expires_on").isTextual());
        assertTrue(json.get("not_before").isTextual());
        assertEquals("https://manage.office.com", json.get("resource").asText());
        // the token works on the API
        assertEquals(200, api("GET", "subscriptions/list", json.get("access_token").asText(), null).statusCode());
    }

    @Test
    void v2TokenWithBasicAuthentication() throws Exception {
        String basic = Base64.getEncoder().encodeToString(
                (sim.clientId() + ":" + sim.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = post("/" + sim.tenantId() + "/oauth2/v2.0/token", form(
                "grant_type", "client_credentials", "scope", "https://manage.office.com/.default"), "Basic " + basic);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(JSON.readTree(r.body()).get("access_token").asText().isEmpty());
    }

    @Test
    void tokenErrorsHaveEntraShape() throws Exception {
        String path = "/" + sim.tenantId() + "/oauth2/v2.0/token";
        HttpResponse<String> wrong = post(path, form("grant_type", "client_credentials", "client_id", sim.clientId(),
                "client_secret", "not-the-secret", "scope", "https://manage.office.com/.default"), null);
        assertEquals(401, wrong.statusCode());
        JsonNode json = JSON.readTree(wrong.body());
        assertEquals("invalid_client", json.get("error").asText());
        assertTrue(json.get("error_description").asText().startsWith("AADSTS7000215: "));
        assertTrue(json.get("error_description").asText().contains("\r\nTrace ID: "));
        assertEquals(7000215, json.get("error_codes").get(0).asInt());
        for (String field : List.of("timestamp", "trace_id", "correlation_id")) {
            assertNotNull(json.get(field), field);
        }
        assertFalse(wrong.body().contains(sim.clientSecret()));

        assertAad(post(path, form("grant_type", "client_credentials", "client_id", sim.clientId(),
                "client_secret", sim.clientSecret(), "resource", "https://manage.office.com"), null), 400, "invalid_request", 901002);
        assertAad(post(path, form("grant_type", "client_credentials", "client_id", sim.clientId(),
                "client_secret", sim.clientSecret(), "scope", "https://manage.office.com"), null), 400, "invalid_scope", 70011);
        assertAad(post(path, form("grant_type", "client_credentials", "client_id", "11111111-2222-4333-8444-555555555555",
                "client_secret", sim.clientSecret(), "scope", "https://manage.office.com/.default"), null), 400, "unauthorized_client", 700016);
        assertAad(post("/99999999-2222-4333-8444-555555555555/oauth2/v2.0/token", form("grant_type", "client_credentials",
                "client_id", sim.clientId(), "client_secret", sim.clientSecret(), "scope", "https://manage.office.com/.default"), null),
                400, "invalid_request", 90002);
        assertAad(post(path, form("client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null), 400, "invalid_request", 900144);
        assertAad(post(path, form("grant_type", "password", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null), 400, "unsupported_grant_type", 70003);
    }

    // ------------------------------------------------------------------ subscriptions

    @Test
    void startThenAlreadyEnabled() throws Exception {
        int startsBefore = sim.startCallCount();
        HttpResponse<String> first = api("POST", "subscriptions/start?contentType=Audit.General&PublisherIdentifier=" + sim.tenantId());
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(JSON.readTree("{\"contentType\":\"Audit.General\",\"status\":\"enabled\",\"webhook\":null}"),
                JSON.readTree(first.body()));
        HttpResponse<String> again = api("POST", "subscriptions/start?contenttype=Audit.General");
        assertEquals(400, again.statusCode());
        assertEquals(JSON.readTree("{\"error\":{\"code\":\"AF20024\",\"message\":\"The subscription is already enabled. No property change.\"}}"),
                JSON.readTree(again.body()));
        assertEquals(startsBefore + 2, sim.startCallCount());
        assertTrue(sim.enabledSubscriptions().contains("Audit.General"));

        JsonNode list = JSON.readTree(api("GET", "subscriptions/list").body());
        Set<String> listed = new HashSet<>();
        list.forEach(n -> listed.add(n.get("contentType").asText()));
        assertTrue(listed.containsAll(Set.of("Audit.General", "Audit.SharePoint", "Audit.Exchange")));

        assertErrorCode(api("POST", "subscriptions/start?contentType=Audit.Nope"), 400, "AF20020");
    }

    @Test
    void contentWithoutSubscriptionIsAf20022() throws Exception {
        assertErrorCode(api("GET", "subscriptions/content?contentType=DLP.All"), 400, "AF20022");
    }

    // ------------------------------------------------------------------ listing

    @Test
    void listingPagesTogetherContainEveryBlobOnce() throws Exception {
        Instant now = Instant.now();
        // the simulator's backlog is 3 days; walk it in 24 h windows (the last one ends in the future: allowed)
        Set<String> seen = new HashSet<>();
        int repeats = 0;
        int pages = 0;
        Instant walkStart = now.minus(Duration.ofDays(3)).minus(Duration.ofMinutes(5));
        for (Instant start = walkStart; start.isBefore(now);
             start = start.plus(Duration.ofHours(24))) {
            String url = sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/subscriptions/content?contentType=Audit.SharePoint"
                    + "&startTime=" + SECONDS.format(start) + "&endTime=" + SECONDS.format(start.plus(Duration.ofHours(24)))
                    + "&PublisherIdentifier=" + sim.tenantId();
            while (url != null) {
                HttpResponse<String> r = get(url, token, null);
                assertEquals(200, r.statusCode(), r.body());
                pages++;
                JsonNode items = JSON.readTree(r.body());
                assertTrue(items.size() <= 4);
                Set<String> inPage = new HashSet<>();
                for (JsonNode item : items) {
                    assertEquals(Set.of("contentType", "contentId", "contentUri", "contentCreated", "contentExpiration"),
                            fieldNames(item));
                    String id = item.get("contentId").asText();
                    assertTrue(id.matches("\\d{23}\\$\\d{23}\\$audit_sharepoint\\$Audit_SharePoint\\$[a-z]+\\d{4}"), id);
                    assertEquals(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/audit/" + id,
                            item.get("contentUri").asText());
                    assertTrue(item.get("contentCreated").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
                    assertTrue(item.get("contentExpiration").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
                    if (!inPage.add(id)) {
                        repeats++;
                    } else {
                        assertTrue(seen.add(id), "blob listed on two pages/windows: " + id);
                    }
                }
                String next = r.headers().firstValue("NextPageUri").orElse(null);
                if (next != null) {
                    assertTrue(next.startsWith(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/subscriptions/content?"));
                    assertTrue(next.contains("contentType=Audit.SharePoint") && next.contains("nextPage="), next);
                    assertTrue(next.contains("startTime=" + SECONDS.format(start)), next);
                }
                url = next;
            }
        }
        // the 6 initial blobs, plus any another test added "now"
        Set<String> expected = sim.blobs().stream().filter(b -> b.contentType().equals("Audit.SharePoint"))
                .filter(b -> !b.contentCreated().isBefore(walkStart) && !b.contentCreated().isAfter(now))
                .map(ManagementApiSimulator.Blob::contentId).collect(Collectors.toSet());
        assertTrue(expected.size() >= 6);
        assertTrue(seen.containsAll(expected));
        assertTrue(seen.size() - expected.size() <= 1); // a blob another test added after "now"
        assertTrue(pages >= 4);
        assertTrue(repeats > 0, "repeatBlobsInListing");
    }

    @Test
    void pagingOverManyBlobsInOneWindow() throws Exception {
        Instant at = Instant.now().minus(Duration.ofHours(2));
        List<ManagementApiSimulator.Blob> added = sim.addBlobs("Audit.Exchange", 10, 2, at);
        // the same instant for all ten; a window around it
        String url = sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/subscriptions/content?contentType=Audit.Exchange"
                + "&startTime=" + URLEncoder.encode(at.minusSeconds(1).toString(), StandardCharsets.UTF_8)
                + "&endTime=" + SECONDS.format(at.plusSeconds(60));
        int listCallsBefore = sim.listCallCount();
        List<String> all = new ArrayList<>();
        int pages = 0;
        while (url != null) {
            HttpResponse<String> r = get(url, token, null);
            assertEquals(200, r.statusCode(), r.body());
            JSON.readTree(r.body()).forEach(i -> all.add(i.get("contentId").asText()));
            url = r.headers().firstValue("NextPageUri").orElse(null);
            pages++;
        }
        assertEquals(4, pages); // 3 new blobs per page (+1 repeat) -> 10 blobs need 4 pages
        assertEquals(added.stream().map(ManagementApiSimulator.Blob::contentId).collect(Collectors.toSet()), new HashSet<>(all));
        assertTrue(all.size() > 10);
        assertEquals(listCallsBefore + pages, sim.listCallCount());
        // a forged nextPage is rejected
        assertErrorCode(api("GET", "subscriptions/content?contentType=Audit.Exchange&startTime=" + SECONDS.format(at.minusSeconds(1))
                + "&endTime=" + SECONDS.format(at.plusSeconds(60)) + "&nextPage=2025010100R999999999001"), 400, "AF20031");
    }

    @Test
    void timeWindowRules() throws Exception {
        Instant now = Instant.now();
        String base = "subscriptions/content?contentType=Audit.SharePoint";
        assertErrorCode(api("GET", base + "&startTime=" + SECONDS.format(now.minus(Duration.ofHours(25)))
                + "&endTime=" + SECONDS.format(now)), 400, "AF20055");
        assertErrorCode(api("GET", base + "&startTime=" + SECONDS.format(now.minus(Duration.ofDays(8)))
                + "&endTime=" + SECONDS.format(now.minus(Duration.ofDays(8)).plus(Duration.ofHours(1)))), 400, "AF20055");
        assertErrorCode(api("GET", base + "&startTime=" + SECONDS.format(now.minus(Duration.ofHours(1)))), 400, "AF20055");
        assertErrorCode(api("GET", base + "&startTime=" + SECONDS.format(now) + "&endTime=" + SECONDS.format(now.minusSeconds(60))),
                400, "AF20055");
        // 7 days + 30 minutes back is inside the grace hour
        Instant graceStart = now.minus(Duration.ofDays(7)).minus(Duration.ofMinutes(30));
        assertEquals(200, api("GET", base + "&startTime=" + SECONDS.format(graceStart)
                + "&endTime=" + SECONDS.format(graceStart.plus(Duration.ofHours(24)))).statusCode());
        // accepted formats
        LocalDateTime today = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
        String day = today.toLocalDate().toString();
        String yesterday = today.toLocalDate().minusDays(1).toString();
        for (String[] w : List.of(new String[] {yesterday, day},
                new String[] {yesterday + "T10:00", day + "T09:30"},
                new String[] {yesterday + "T10:00:00.123Z", day + "T09:00:00Z"},
                new String[] {yesterday + "T10:00:00.1234567", day + "T09:00:00"})) {
            HttpResponse<String> r = api("GET", base + "&STARTTIME=" + w[0] + "&endtime=" + w[1]);
            assertEquals(200, r.statusCode(), w[0] + " " + r.body());
        }
        // both omitted = the last 24 h
        HttpResponse<String> r = api("GET", base);
        assertEquals(200, r.statusCode());
        Instant earliest = now.minus(Duration.ofHours(24)).minusSeconds(5);
        for (JsonNode item : JSON.readTree(r.body())) {
            assertFalse(Instant.parse(item.get("contentCreated").asText()).isBefore(earliest));
        }
    }

    // ------------------------------------------------------------------ blobs

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

    // ------------------------------------------------------------------ stalls

    @Test
    void stalledBlobSendsHeadersAndFirstBytesThenCompletesOnRelease() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.SharePoint", 1, 8, null).get(0);
        byte[] expected = ("[" + String.join(",", sim.records(blob.contentId())) + "]").getBytes(StandardCharsets.UTF_8);
        assertTrue(expected.length > 4000);
        int gzippedBefore = sim.gzippedBlobGetCount();
        ManagementApiSimulator.Stall stall = sim.stallNext(ManagementApiSimulator.RequestKind.BLOB, 2000);
        try {
            HttpResponse<InputStream> r = HTTP.send(blobRequest(sim, token, blob.contentId()).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
            assertTrue(r.headers().firstValue("Content-Length").isEmpty());
            assertTrue(stall.awaitStalled(Duration.ofSeconds(2)));
            assertEquals(blob.contentId(), stall.contentId());
            GZIPInputStream in = new GZIPInputStream(r.body());
            byte[] head = async(() -> in.readNBytes(2000)).get(2, TimeUnit.SECONDS);
            assertArrayEquals(Arrays.copyOf(expected, 2000), head);
            CompletableFuture<byte[]> rest = async(in::readAllBytes);
            assertThrows(TimeoutException.class, () -> rest.get(200, TimeUnit.MILLISECONDS), "nothing more while held");
            assertEquals(0, sim.blobGetCount(blob.contentId()));
            assertEquals(gzippedBefore, sim.gzippedBlobGetCount());

            stall.release();
            byte[] tail = rest.get(2, TimeUnit.SECONDS);
            byte[] whole = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, whole, head.length, tail.length);
            assertEquals(new String(expected, StandardCharsets.UTF_8), new String(whole, StandardCharsets.UTF_8));
            assertEquals(sim.records(blob.contentId()).size(), JSON.readTree(whole).size());
            awaitCount(() -> sim.blobGetCount(blob.contentId()), 1);
            awaitCount(sim::gzippedBlobGetCount, gzippedBefore + 1);
            // the stall was used up: the next GET is answered at once
            assertEquals(200, api("GET", "audit/" + blob.contentId()).statusCode());
            awaitCount(() -> sim.blobGetCount(blob.contentId()), 2);
        } finally {
            stall.release();
        }
    }

    @Test
    void stalledListingSendsNothingUntilReleaseAndOtherRequestsProceed() throws Exception {
        ManagementApiSimulator.Stall stall = sim.stallNext(ManagementApiSimulator.RequestKind.LISTING, 0);
        try {
            // error answers are not held and do not use up the stall
            assertErrorCode(api("GET", "subscriptions/content?contentType=DLP.All"), 400, "AF20022");
            assertFalse(stall.awaitStalled(Duration.ZERO));

            CompletableFuture<HttpResponse<String>> listing = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(sim.baseUrl()
                            + "/api/v1.0/" + sim.tenantId() + "/activity/feed/subscriptions/content?contentType=Audit.SharePoint"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(stall.awaitStalled(Duration.ofSeconds(2)));
            assertNull(stall.contentId());

            // meanwhile: a token, a blob and another listing are served
            int tokenCalls = sim.tokenCallCount();
            assertFalse(v2Token().get("access_token").asText().isEmpty());
            assertEquals(tokenCalls + 1, sim.tokenCallCount());
            ManagementApiSimulator.Blob other = sim.addBlobs("Audit.Exchange", 1, 2, null).get(0);
            assertEquals(200, api("GET", "audit/" + other.contentId()).statusCode());
            awaitCount(() -> sim.blobGetCount(other.contentId()), 1);
            assertEquals(200, api("GET", "subscriptions/content?contentType=Audit.Exchange").statusCode());

            assertThrows(TimeoutException.class, () -> listing.get(100, TimeUnit.MILLISECONDS), "no status line while held");
            stall.release();
            HttpResponse<String> r = listing.get(2, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(JSON.readTree(r.body()).isArray());
            assertTrue(JSON.readTree(r.body()).size() > 0);
        } finally {
            stall.release();
        }
    }

    @Test
    void closeAbortsHeldRequests() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(7).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(1).recordsPerBlob(5).subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            String access = tokenFor(s);
            String contentId = s.blobs().get(0).contentId();
            ManagementApiSimulator.Stall blobStall = s.stallNext(ManagementApiSimulator.RequestKind.BLOB, 1000);
            ManagementApiSimulator.Stall listStall = s.stallNext(ManagementApiSimulator.RequestKind.LISTING, 0);

            HttpResponse<InputStream> r = HTTP.send(blobRequest(s, access, contentId).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertTrue(blobStall.awaitStalled(Duration.ofSeconds(2)));
            GZIPInputStream in = new GZIPInputStream(r.body());
            assertEquals(1000, async(() -> in.readNBytes(1000)).get(2, TimeUnit.SECONDS).length);
            CompletableFuture<byte[]> rest = async(in::readAllBytes);

            CompletableFuture<HttpResponse<String>> listing = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(s.baseUrl()
                            + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/content?contentType=Audit.Exchange"))
                    .header("Authorization", "Bearer " + access).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(listStall.awaitStalled(Duration.ofSeconds(2)));

            long t0 = System.nanoTime();
            s.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "close() does not wait for held requests");

            ExecutionException blobError = assertThrows(ExecutionException.class, () -> rest.get(2, TimeUnit.SECONDS));
            assertTrue(blobError.getCause() instanceof IOException, String.valueOf(blobError.getCause()));
            ExecutionException listError = assertThrows(ExecutionException.class, () -> listing.get(2, TimeUnit.SECONDS));
            assertTrue(listError.getCause() instanceof IOException, String.valueOf(listError.getCause()));
            assertEquals(0, s.blobGetCount(contentId));
            assertEquals(0, s.gzippedBlobGetCount());
            // harmless after close
            blobStall.release();
            listStall.release();
            s.close();
        }
    }

    @Test
    void clientGoneWhileHeldIsCleanedUp() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.Exchange", 1, 4, null).get(0);
        ManagementApiSimulator.Stall stall = sim.stallNext(ManagementApiSimulator.RequestKind.BLOB, 500);
        try (Socket socket = new Socket("127.0.0.1", sim.port())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1.0/" + sim.tenantId() + "/activity/feed/audit/" + blob.contentId() + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertTrue(stall.awaitStalled(Duration.ofSeconds(2)));
            byte[] first = socket.getInputStream().readNBytes(15);
            assertEquals("HTTP/1.1 200 OK", new String(first, StandardCharsets.US_ASCII));
        } // the client is gone
        stall.release(); // no exception
        // the simulator carries on
        assertEquals(200, api("GET", "audit/" + blob.contentId()).statusCode());
        assertEquals(200, api("GET", "subscriptions/list").statusCode());
    }

    // ------------------------------------------------------------------ auth / tenant

    @Test
    void authenticationAndTenantChecks() throws Exception {
        assertEquals(401, api("GET", "subscriptions/list", null, null).statusCode());
        assertEquals(401, api("GET", "subscriptions/list", "not-a-token", null).statusCode());
        HttpResponse<String> domain = get(sim.baseUrl() + "/api/v1.0/fabrikam-sim.onmicrosoft.com/activity/feed/subscriptions/list", token, null);
        assertErrorCode(domain, 400, "AF20013");
        HttpResponse<String> other = get(sim.baseUrl() + "/api/v1.0/11111111-2222-4333-8444-555555555555/activity/feed/subscriptions/list", token, null);
        assertErrorCode(other, 400, "AF20010");
        assertEquals(404, get(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/nothing/here", token, null).statusCode());
        assertEquals(404, get(sim.baseUrl() + "/nothing", null, null).statusCode());
    }

    @Test
    void expiredTokenIsRejected() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        Clock clock = new Clock() {
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
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().clock(clock).blobsPerContentType(1).recordsPerBlob(1)
                .subscriptionsInitiallyEnabled(true).tokenLifetime(Duration.ofMinutes(10)).build()) {
            s.start();
            HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials", "client_id", s.clientId(),
                            "client_secret", s.clientSecret(), "scope", "https://manage.office.com/.default"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(600, JSON.readTree(t.body()).get("expires_in").asInt());
            String access = JSON.readTree(t.body()).get("access_token").asText();
            String list = s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/list";
            assertEquals(200, get(list, access, null).statusCode());
            assertEquals(5, JSON.readTree(get(list, access, null).body()).size());
            now.set(now.get().plus(Duration.ofMinutes(10)).plusMillis(1));
            HttpResponse<String> expired = get(list, access, null);
            assertEquals(401, expired.statusCode());
            assertNotNull(JSON.readTree(expired.body()).get("error"));
            assertEquals(1, s.tokenCallCount());
            assertEquals(3, s.totalApiCalls());
        }
    }

    // ------------------------------------------------------------------ poison, foreign and expired blobs

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

    // ------------------------------------------------------------------ fault injection

    @Test
    void faultsRejectInvalidValues() {
        assertThrows(IllegalArgumentException.class, () -> new ManagementApiSimulator.Faults(0.5, 500, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ManagementApiSimulator.Faults(1.5, 429, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ManagementApiSimulator.Faults(0, 429, null, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new ManagementApiSimulator.Faults(0, 429, null, 0, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new ManagementApiSimulator.Faults(0, 403, -1, 0, 0));
        ManagementApiSimulator.Faults none = ManagementApiSimulator.Faults.none();
        assertEquals(new ManagementApiSimulator.Faults(0, 429, null, 0, 0), none);
    }

    @Test
    void throttlingAnswersAf429WithConfiguredStatusAndRetryAfter() throws Exception {
        String publisher = "7d3f1c2a-5b4e-4a6d-9c8b-1e2f3a4b5c6d";
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(3).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(2).recordsPerBlob(5).subscriptionsInitiallyEnabled(true)
                .faults(new ManagementApiSimulator.Faults(1.0, 403, 7, 1.0, 1.0)).build()) {
            s.start();
            String bearer = tokenFor(s); // the token endpoint is never faulted
            HttpResponse<String> r = call(s, "GET", "subscriptions/content?contentType=Audit.Exchange&PublisherIdentifier="
                    + publisher, bearer);
            assertErrorCode(r, 403, "AF429");
            assertEquals("Too many requests. Method=GetContents, PublisherId=" + publisher,
                    JSON.readTree(r.body()).get("error").get("message").asText());
            assertEquals("7", r.headers().firstValue("Retry-After").orElse(null));
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            // before authentication, for every operation; nothing counts as a listing, a start or a download
            String contentId = s.blobs().get(0).contentId();
            HttpResponse<String> blob = call(s, "GET", "audit/" + contentId, null);
            assertErrorCode(blob, 403, "AF429");
            assertEquals("Too many requests. Method=GetBlob, PublisherId=00000000-0000-0000-0000-000000000000",
                    JSON.readTree(blob.body()).get("error").get("message").asText());
            HttpResponse<String> start = call(s, "POST", "subscriptions/start?contentType=Audit.General", bearer);
            assertErrorCode(start, 403, "AF429");
            assertTrue(JSON.readTree(start.body()).get("error").get("message").asText()
                    .startsWith("Too many requests. Method=StartSubscription, PublisherId="), start.body());
            assertEquals(3, s.throttledCount());
            assertEquals(0, s.serverErrorCount());
            assertEquals(0, s.listCallCount());
            assertEquals(0, s.startCallCount());
            assertEquals(0, s.blobGetCount(contentId));
            assertEquals(3, s.totalApiCalls());

            s.faults(new ManagementApiSimulator.Faults(1.0, 429, null, 0, 0));
            HttpResponse<String> r429 = call(s, "GET", "subscriptions/content?contentType=Audit.Exchange", bearer);
            assertErrorCode(r429, 429, "AF429");
            assertTrue(r429.headers().firstValue("Retry-After").isEmpty());
            assertEquals("Too many requests. Method=GetContents, PublisherId=00000000-0000-0000-0000-000000000000",
                    JSON.readTree(r429.body()).get("error").get("message").asText());
            assertEquals(4, s.throttledCount());
            assertEquals(0, s.listCallCount());
        }
    }

    @Test
    void serverErrorsAreAf50000Or502HtmlAndNoneRestoresNormalAnswers() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(5).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(2).recordsPerBlob(5).subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            String bearer = tokenFor(s);
            String contentId = s.blobs().get(0).contentId();
            s.faults(new ManagementApiSimulator.Faults(0, 429, 7, 1.0, 0));
            Set<Integer> statuses = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = call(s, "GET", i % 2 == 0 ? "audit/" + contentId
                        : "subscriptions/content?contentType=Audit.Exchange", bearer);
                statuses.add(r.statusCode());
                assertTrue(r.statusCode() == 500 || r.statusCode() == 503, r.statusCode() + " " + r.body());
                assertErrorCode(r, r.statusCode(), "AF50000");
                assertEquals("An internal error occurred. Retry the request.",
                        JSON.readTree(r.body()).get("error").get("message").asText());
                assertTrue(r.headers().firstValue("Retry-After").isEmpty());
            }
            assertEquals(Set.of(500, 503), statuses);
            assertEquals(20, s.serverErrorCount());
            assertEquals(0, s.throttledCount());
            assertEquals(0, s.blobGetCount(contentId));
            assertEquals(0, s.listCallCount());

            s.faults(new ManagementApiSimulator.Faults(0, 429, null, 0, 1.0));
            HttpResponse<String> html = call(s, "GET", "audit/" + contentId, bearer);
            assertEquals(502, html.statusCode());
            assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertEquals("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
                    html.body());
            assertEquals(21, s.serverErrorCount());
            assertEquals(0, s.blobGetCount(contentId));

            s.faults(ManagementApiSimulator.Faults.none());
            int before = s.apiRequestTimes().size();
            assertEquals(21, before);
            assertEquals(200, call(s, "GET", "audit/" + contentId, bearer).statusCode());
            assertEquals(1, s.blobGetCount(contentId));
            assertEquals(before + 1, s.apiRequestTimes().size());
            assertEquals(200, call(s, "GET", "subscriptions/content?contentType=Audit.Exchange", bearer).statusCode());
            assertEquals(1, s.listCallCount());
            List<Instant> times = s.apiRequestTimes();
            assertEquals(before + 2, times.size());
            assertEquals(s.totalApiCalls(), times.size());
            for (int i = 1; i < times.size(); i++) {
                assertFalse(times.get(i).isBefore(times.get(i - 1)), times.toString());
            }
            assertEquals(21, s.serverErrorCount());
        }
    }

    @Test
    void stalledRequestIsNeverFaulted() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(9).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(2).recordsPerBlob(5).subscriptionsInitiallyEnabled(true)
                .faults(new ManagementApiSimulator.Faults(1.0, 429, null, 0, 0)).build()) {
            s.start();
            String bearer = tokenFor(s);
            ManagementApiSimulator.Stall stall = s.stallNext(ManagementApiSimulator.RequestKind.LISTING, 0);
            // another kind of request is still faulted
            assertErrorCode(call(s, "GET", "audit/" + s.blobs().get(0).contentId(), bearer), 429, "AF429");
            CompletableFuture<HttpResponse<String>> held =
                    async(() -> call(s, "GET", "subscriptions/content?contentType=Audit.Exchange", bearer));
            assertTrue(stall.awaitStalled(Duration.ofSeconds(5)));
            stall.release();
            HttpResponse<String> r = held.get(5, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, s.listCallCount());
            assertEquals(1, s.throttledCount());
            // the stall is used up: the next listing is faulted again
            assertErrorCode(call(s, "GET", "subscriptions/content?contentType=Audit.Exchange", bearer), 429, "AF429");
        }
    }

    // ------------------------------------------------------------------ per-blob failures

    @Test
    void failBlobValidatesItsArgumentsAndHealBlobStopsFailures() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.SharePoint", 1, 2, null).get(0);
        String id = blob.contentId();
        String unknown = "20250304134501123456789$20250304140211987654321$audit_sharepoint$Audit_SharePoint$na0036";
        assertThrows(IllegalArgumentException.class, () -> sim.failBlob(unknown, BlobFailure.STATUS_408, 1));
        assertThrows(IllegalArgumentException.class, () -> sim.healBlob(unknown));
        assertThrows(IllegalArgumentException.class, () -> sim.blobFailureCount(unknown));
        assertThrows(IllegalArgumentException.class, () -> sim.failBlob(null, BlobFailure.STATUS_408, 1));
        assertThrows(NullPointerException.class, () -> sim.failBlob(id, null, 1));
        assertThrows(IllegalArgumentException.class, () -> sim.failBlob(id, BlobFailure.STATUS_408, -1));
        ManagementApiSimulator.Blob foreign = sim.addForeignBlob("Audit.SharePoint", "https://elsewhere.example.com", null);
        assertThrows(IllegalArgumentException.class,
                () -> sim.failBlob(foreign.contentId(), BlobFailure.DROP_MID_BODY, 1));
        assertThrows(IllegalArgumentException.class, () -> sim.slowResponseDelay(Duration.ofSeconds(-1)));
        assertEquals(0, sim.blobFailureCount(id));

        // until healBlob
        sim.failBlob(id, BlobFailure.STATUS_408, Integer.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            assertErrorCode(api("GET", "audit/" + id), 408, "RequestTimeout");
        }
        // error answers neither fail nor use up a failure
        assertEquals(401, api("GET", "audit/" + id, null, null).statusCode());
        assertEquals(3, sim.blobFailureCount(id));
        sim.healBlob(id);
        sim.healBlob(id); // idempotent
        assertEquals(200, api("GET", "audit/" + id).statusCode());
        // a later failBlob replaces a pending one; times 0 = heal
        sim.failBlob(id, BlobFailure.STATUS_408, 5);
        sim.failBlob(id, BlobFailure.HTML_502, 1);
        assertEquals(502, api("GET", "audit/" + id).statusCode());
        assertEquals(200, api("GET", "audit/" + id).statusCode());
        sim.failBlob(id, BlobFailure.STATUS_408, 3);
        sim.failBlob(id, BlobFailure.STATUS_408, 0);
        assertEquals(200, api("GET", "audit/" + id).statusCode());
        assertEquals(4, sim.blobFailureCount(id));
        awaitCount(() -> sim.blobGetCount(id), 3);
    }

    @Test
    void status408AndHtml502FailExactlyTimesThenTheBlobIsServedUnchanged() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.SharePoint", 1, 6, null).get(0);
        String id = blob.contentId();
        String uri = sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/audit/" + id;
        byte[] expected = ("[" + String.join(",", sim.records(id)) + "]").getBytes(StandardCharsets.UTF_8);
        int timeouts = sim.timeoutCount();
        int serverErrors = sim.serverErrorCount();
        int dropped = sim.droppedConnectionCount();

        sim.failBlob(id, BlobFailure.STATUS_408, 2);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = get(uri, token, "gzip");
            assertErrorCode(r, 408, "RequestTimeout");
            assertEquals("The request timed out. Retry the request.", JSON.readTree(r.body()).get("error").get("message").asText());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals(i + 1, sim.blobFailureCount(id));
        }
        HttpResponse<byte[]> ok = getBytes(uri, null);
        assertEquals(200, ok.statusCode());
        assertArrayEquals(expected, ok.body());
        assertEquals(timeouts + 2, sim.timeoutCount());
        awaitCount(() -> sim.blobGetCount(id), 1);

        sim.failBlob(id, BlobFailure.HTML_502, 1);
        HttpResponse<String> html = get(uri, token, null);
        assertEquals(502, html.statusCode());
        assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
                html.body());
        assertEquals(serverErrors + 1, sim.serverErrorCount());
        HttpResponse<byte[]> zipped = getBytes(uri, "gzip");
        assertEquals(200, zipped.statusCode());
        assertArrayEquals(expected, gunzip(zipped.body()));

        assertEquals(3, sim.blobFailureCount(id));
        awaitCount(() -> sim.blobGetCount(id), 2);
        assertEquals(dropped, sim.droppedConnectionCount());
    }

    @Test
    void dropBeforeResponseClosesTheConnectionWithoutAnyByte() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.Exchange", 1, 3, null).get(0);
        String id = blob.contentId();
        byte[] expected = ("[" + String.join(",", sim.records(id)) + "]").getBytes(StandardCharsets.UTF_8);
        int dropped = sim.droppedConnectionCount();

        // the JDK client retries once on its own when a connection ends before any byte: fail every GET
        sim.failBlob(id, BlobFailure.DROP_BEFORE_RESPONSE, Integer.MAX_VALUE);
        assertThrows(IOException.class, () -> HTTP.send(blobRequest(sim, token, id).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        int failed = sim.blobFailureCount(id);
        assertTrue(failed >= 1, "failed " + failed);
        assertEquals(dropped + failed, sim.droppedConnectionCount());

        // exactly once, seen on the wire: not a single byte, then the blob
        sim.failBlob(id, BlobFailure.DROP_BEFORE_RESPONSE, 1);
        assertEquals(0, rawGet(sim, token, "audit/" + id, false).length);
        assertEquals(failed + 1, sim.blobFailureCount(id));
        assertEquals(dropped + failed + 1, sim.droppedConnectionCount());
        RawResponse r = RawResponse.parse(rawGet(sim, token, "audit/" + id, false));
        assertEquals(200, r.status());
        assertArrayEquals(expected, r.body());
        HttpResponse<byte[]> again = getBytes(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/audit/" + id, null);
        assertEquals(200, again.statusCode());
        assertArrayEquals(expected, again.body());
        awaitCount(() -> sim.blobGetCount(id), 2);
        assertEquals(failed + 1, sim.blobFailureCount(id));
    }

    @Test
    void dropMidBodySendsHalfOfTheBytesWithOrWithoutGzipThenCloses() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.SharePoint", 1, 10, null).get(0);
        String id = blob.contentId();
        byte[] expected = ("[" + String.join(",", sim.records(id)) + "]").getBytes(StandardCharsets.UTF_8);
        int dropped = sim.droppedConnectionCount();
        int gzippedBefore = sim.gzippedBlobGetCount();
        sim.failBlob(id, BlobFailure.DROP_MID_BODY, 4);

        // JDK client, identity: 200, full Content-Length, then an IOException while reading the body
        HttpResponse<InputStream> plain = HTTP.send(blobRequest(sim, token, id).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, plain.statusCode());
        assertEquals(expected.length, plain.headers().firstValueAsLong("Content-Length").orElse(-1));
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        try (InputStream in = plain.body()) {
            assertThrows(IOException.class, in::readAllBytes);
        }
        // JDK client, gzip
        HttpResponse<InputStream> zipped = HTTP.send(blobRequest(sim, token, id).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, zipped.statusCode());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        try (InputStream in = zipped.body()) {
            assertThrows(IOException.class, in::readAllBytes);
        }
        assertEquals(2, sim.blobFailureCount(id));
        assertEquals(dropped + 2, sim.droppedConnectionCount());

        // on the wire, identity: exactly the first half of the body, then the end of the stream
        RawResponse raw = RawResponse.parse(rawGet(sim, token, "audit/" + id, false));
        assertEquals(200, raw.status());
        assertEquals(Integer.toString(expected.length), raw.headers().get("content-length"));
        assertArrayEquals(Arrays.copyOf(expected, expected.length / 2), raw.body());
        // on the wire, gzip: half of the compressed bytes, which decode to a prefix of the body and then break off
        RawResponse rawZipped = RawResponse.parse(rawGet(sim, token, "audit/" + id, true));
        assertEquals(200, rawZipped.status());
        assertEquals("gzip", rawZipped.headers().get("content-encoding"));
        int compressedLength = Integer.parseInt(rawZipped.headers().get("content-length"));
        assertTrue(compressedLength < expected.length);
        assertEquals(compressedLength / 2, rawZipped.body().length);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(rawZipped.body()))) {
            byte[] buf = new byte[512];
            assertThrows(EOFException.class, () -> {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    decoded.write(buf, 0, n);
                }
            });
        }
        byte[] prefix = decoded.toByteArray();
        assertTrue(prefix.length < expected.length, prefix.length + " of " + expected.length);
        assertArrayEquals(Arrays.copyOf(expected, prefix.length), prefix);
        assertEquals(4, sim.blobFailureCount(id));
        assertEquals(dropped + 4, sim.droppedConnectionCount());
        assertEquals(0, sim.blobGetCount(id));
        assertEquals(gzippedBefore, sim.gzippedBlobGetCount());

        // the failures are used up: the whole blob, byte-identical
        HttpResponse<byte[]> ok = getBytes(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/audit/" + id, "gzip");
        assertEquals(200, ok.statusCode());
        assertArrayEquals(expected, gunzip(ok.body()));
        awaitCount(() -> sim.blobGetCount(id), 1);
        awaitCount(sim::gzippedBlobGetCount, gzippedBefore + 1);
    }

    @Test
    void slowResponseOutlastsAShortClientTimeoutThenAnswersNormally() throws Exception {
        ManagementApiSimulator s = ManagementApiSimulator.builder().seed(13).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(1).recordsPerBlob(4).subscriptionsInitiallyEnabled(true)
                .slowResponseDelay(Duration.ofSeconds(3)).build();
        try {
            s.start();
            assertEquals(Duration.ofSeconds(3), s.slowResponseDelay());
            String bearer = tokenFor(s);
            String id = s.blobs().get(0).contentId();
            byte[] expected = ("[" + String.join(",", s.records(id)) + "]").getBytes(StandardCharsets.UTF_8);

            s.failBlob(id, BlobFailure.SLOW_RESPONSE, 1);
            long t0 = System.nanoTime();
            assertThrows(HttpTimeoutException.class, () -> HTTP.send(blobRequest(s, bearer, id).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waitedMillis >= 900 && waitedMillis < 2500, "gave up after " + waitedMillis + " ms");
            assertEquals(1, s.blobFailureCount(id));
            assertEquals(0, s.blobGetCount(id), "the late answer is still being held back");

            // a shorter delay, a patient client: the normal answer, late
            s.slowResponseDelay(Duration.ofMillis(300));
            s.failBlob(id, BlobFailure.SLOW_RESPONSE, 1);
            t0 = System.nanoTime();
            HttpResponse<byte[]> late = HTTP.send(blobRequest(s, bearer, id).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300));
            assertEquals(200, late.statusCode());
            assertArrayEquals(expected, late.body());
            assertEquals(2, s.blobFailureCount(id));
            // used up: answered at once
            HttpResponse<byte[]> prompt = HTTP.send(blobRequest(s, bearer, id).timeout(Duration.ofMillis(250)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(expected, prompt.body());
            awaitCount(() -> s.blobGetCount(id), 2);
            assertEquals(0, s.droppedConnectionCount());
        } finally {
            long t0 = System.nanoTime();
            s.close(); // aborts the request still waiting out its 3 s
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "close() does not wait for a slow response");
        }
    }

    @Test
    void randomNetworkFaultsAnswer408OrDropAndAreCounted() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new ManagementApiSimulator.Faults(0, 429, null, 0, 0, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> ManagementApiSimulator.Faults.none().withNetworkFaults(0, Double.NaN));
        ManagementApiSimulator.Faults network = new ManagementApiSimulator.Faults(0.1, 403, 2, 0.2, 0.3).withNetworkFaults(0.4, 0.5);
        assertEquals(new ManagementApiSimulator.Faults(0.1, 403, 2, 0.2, 0.3, 0.4, 0.5), network);
        assertEquals(new ManagementApiSimulator.Faults(0, 429, null, 0, 0, 0, 0), ManagementApiSimulator.Faults.none());

        try (ManagementApiSimulator s = networkFaultSimulator(21)) {
            String bearer = tokenFor(s);
            String id = s.blobs().get(0).contentId();
            s.faults(ManagementApiSimulator.Faults.none().withNetworkFaults(1.0, 0));
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token"))
                    .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials", "client_id", s.clientId(),
                            "client_secret", s.clientSecret(), "scope", "https://manage.office.com/.default")))
                    .header("Content-Type", "application/x-www-form-urlencoded").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "the token endpoint is never faulted");
            assertErrorCode(call(s, "GET", "subscriptions/content?contentType=Audit.Exchange", bearer), 408, "RequestTimeout");
            assertErrorCode(call(s, "GET", "audit/" + id, bearer), 408, "RequestTimeout");
            assertErrorCode(call(s, "POST", "subscriptions/start?contentType=Audit.General", null), 408, "RequestTimeout");
            assertEquals(3, s.timeoutCount());
            assertEquals(0, s.droppedConnectionCount());

            // drops: a blob GET is cut before the response or mid-body, anything else before the response
            s.faults(ManagementApiSimulator.Faults.none().withNetworkFaults(0, 1.0));
            List<String> kinds = dropKinds(s, bearer, id, 16);
            assertTrue(kinds.contains("before") && kinds.contains("mid"), kinds.toString());
            assertEquals(0, rawGet(s, bearer, "subscriptions/content?contentType=Audit.Exchange", false).length);
            assertEquals(0, rawGet(s, bearer,
                    "audit/20250304134501123456789$20250304140211987654321$audit_exchange$Audit_Exchange$na0036", false).length);
            assertEquals(18, s.droppedConnectionCount());
            assertEquals(3, s.timeoutCount());
            assertEquals(0, s.blobGetCount(id));
            assertEquals(0, s.listCallCount());
            // deterministic: the same seed and the same requests give the same drops
            try (ManagementApiSimulator twin = networkFaultSimulator(21)) {
                String twinBearer = tokenFor(twin);
                String twinId = twin.blobs().get(0).contentId();
                for (int i = 0; i < 3; i++) { // the 408s above drew one number each
                    twin.faults(ManagementApiSimulator.Faults.none().withNetworkFaults(1.0, 0));
                    assertEquals(408, call(twin, "GET", "audit/" + twinId, twinBearer).statusCode());
                }
                twin.faults(ManagementApiSimulator.Faults.none().withNetworkFaults(0, 1.0));
                assertEquals(kinds, dropKinds(twin, twinBearer, twinId, 16));
            }

            // a mix, through the JDK client (which retries a GET once when a connection ends before any byte)
            s.faults(new ManagementApiSimulator.Faults(0, 429, null, 0, 0, 0.25, 0.25));
            int calls = s.totalApiCalls();
            int timeouts = s.timeoutCount();
            int dropped = s.droppedConnectionCount();
            int ok = 0;
            int status408 = 0;
            int failed = 0;
            for (int i = 0; i < 30; i++) {
                try {
                    HttpResponse<byte[]> r = HTTP.send(blobRequest(s, bearer, id).header("Accept-Encoding", "gzip").build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() == 200) {
                        ok++;
                    } else {
                        assertEquals(408, r.statusCode());
                        status408++;
                    }
                } catch (IOException e) {
                    failed++;
                }
            }
            assertTrue(ok > 0 && status408 > 0 && failed > 0, ok + " ok, " + status408 + " 408, " + failed + " failed");
            assertEquals(timeouts + status408, s.timeoutCount());
            int served = s.totalApiCalls() - calls;
            int newDrops = s.droppedConnectionCount() - dropped;
            assertTrue(newDrops >= failed, newDrops + " drops, " + failed + " failed");
            awaitCount(() -> s.blobGetCount(id), served - status408 - newDrops);
            assertTrue(s.blobGetCount(id) >= ok);
            assertEquals(0, s.blobFailureCount(id));
        }
    }

    private static ManagementApiSimulator networkFaultSimulator(long seed) {
        ManagementApiSimulator s = ManagementApiSimulator.builder().seed(seed).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(1).recordsPerBlob(6).subscriptionsInitiallyEnabled(true).build();
        s.start();
        return s;
    }

    /** n raw GETs of a blob under dropShare 1: "before" (no byte at all) or "mid" (200, then less than Content-Length). */
    private static List<String> dropKinds(ManagementApiSimulator s, String bearer, String contentId, int n) throws IOException {
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] got = rawGet(s, bearer, "audit/" + contentId, i % 2 == 0);
            if (got.length == 0) {
                kinds.add("before");
            } else {
                RawResponse r = RawResponse.parse(got);
                assertEquals(200, r.status());
                int length = Integer.parseInt(r.headers().get("content-length"));
                assertEquals(length / 2, r.body().length);
                kinds.add("mid");
            }
        }
        return kinds;
    }

    /** contentId -> contentUri of every listed blob of that type in [start, end), following NextPageUri. */
    private static Map<String, String> listContentUris(ManagementApiSimulator s, String bearer, String contentType,
                                                       Instant start, Instant end) throws Exception {
        Map<String, String> out = new java.util.HashMap<>();
        String url = s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/content?contentType="
                + contentType + "&startTime=" + SECONDS.format(start) + "&endTime=" + SECONDS.format(end);
        while (url != null) {
            HttpResponse<String> r = get(url, bearer, null);
            assertEquals(200, r.statusCode(), r.body());
            for (JsonNode item : JSON.readTree(r.body())) {
                out.put(item.get("contentId").asText(), item.get("contentUri").asText());
            }
            url = r.headers().firstValue("NextPageUri").orElse(null);
        }
        return out;
    }

    // ------------------------------------------------------------------ https

    @Test
    void httpsServesTokensAndListingsWhoseUrlsAreHttps() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(5).https(true).pageSize(2)
                .contentTypes(List.of("Audit.Exchange")).blobsPerContentType(5).recordsPerBlob(2)
                .backlog(Duration.ofHours(2)).subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            assertTrue(s.httpsBaseUrl().matches("https://127\\.0\\.0\\.1:\\d+"), s.httpsBaseUrl());
            assertFalse(s.httpsBaseUrl().endsWith(":" + s.port()), "a port of its own");
            assertTrue(s.serverCertificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
            HttpClient tls = trusting(s.serverCertificate());

            HttpResponse<String> t = postForm(tls, s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token", form(
                    "grant_type", "client_credentials", "client_id", s.clientId(), "client_secret", s.clientSecret(),
                    "scope", "https://manage.office.com/.default"));
            assertEquals(200, t.statusCode(), t.body());
            String bearer = JSON.readTree(t.body()).get("access_token").asText();

            // every page over https: contentUris and NextPageUri are https URLs of the https listener
            String url = s.httpsBaseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/content"
                    + "?contentType=Audit.Exchange";
            Set<String> listed = new HashSet<>();
            int pages = 0;
            while (url != null) {
                HttpResponse<String> page = tls.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), page.body());
                for (JsonNode item : JSON.readTree(page.body())) {
                    assertEquals(s.httpsBaseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/audit/"
                            + item.get("contentId").asText(), item.get("contentUri").asText());
                    listed.add(item.get("contentUri").asText());
                }
                url = page.headers().firstValue("NextPageUri").orElse(null);
                assertTrue(url == null || url.startsWith(s.httpsBaseUrl() + "/"), url);
                pages++;
            }
            assertTrue(pages >= 3, "paged: " + pages);
            assertEquals(5, listed.size());
            HttpResponse<String> blob = tls.send(HttpRequest.newBuilder(URI.create(listed.iterator().next()))
                    .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, blob.statusCode(), blob.body());

            // the same state on the http listener, which writes http URLs; the https token works there too
            HttpResponse<String> plain = get(s.baseUrl() + "/api/v1.0/" + s.tenantId()
                    + "/activity/feed/subscriptions/content?contentType=Audit.Exchange", bearer, null);
            assertEquals(200, plain.statusCode(), plain.body());
            assertTrue(JSON.readTree(plain.body()).get(0).get("contentUri").asText().startsWith(s.baseUrl() + "/"));
            assertEquals(1, s.tokenCallCount());
            assertEquals(pages + 2, s.totalApiCalls());
        }
        try (ManagementApiSimulator plainOnly = ManagementApiSimulator.builder().https(false).blobsPerContentType(0)
                .build()) {
            plainOnly.start();
            assertThrows(IllegalStateException.class, plainOnly::httpsBaseUrl, "https turned off");
            assertThrows(IllegalStateException.class, plainOnly::serverCertificate);
        }
    }

    // ------------------------------------------------------------------ certificate credentials

    @Test
    void rs256AssertionWithX5tGetsACertificateToken() throws Exception {
        try (ManagementApiSimulator s = certificateSimulator()) {
            String endpoint = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            String assertion = signedAssertion(APP_CERTIFICATE, "RS256", "x5t", APP_CERTIFICATE.x5t(),
                    assertionClaims(endpoint, s.clientId(), Instant.now()));
            HttpResponse<String> r = postForm(trusting(s.serverCertificate()), endpoint, certificateForm(s, assertion));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode json = JSON.readTree(r.body());
            assertEquals(3600, json.get("expires_in").asInt());
            String bearer = json.get("access_token").asText();
            assertEquals("2", accessTokenClaims(bearer).get("appidacr").asText());
            assertEquals(s.clientId(), accessTokenClaims(bearer).get("appid").asText());
            assertEquals(1, s.certificateTokenCount());
            assertEquals(1, s.tokenCallCount());
            assertEquals(200, call(s, "GET", "subscriptions/list", bearer).statusCode());

            // a secret token of the same app says "1"
            assertEquals("1", accessTokenClaims(tokenFor(s)).get("appidacr").asText());
            assertEquals(1, s.certificateTokenCount());
        }
    }

    @Test
    void rs256AssertionWithX5tS256GetsACertificateTokenOnV2AndV1() throws Exception {
        try (ManagementApiSimulator s = certificateSimulator()) {
            HttpClient tls = trusting(s.serverCertificate());
            // the second registered certificate, as after a rotation
            String v2 = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            HttpResponse<String> r = postForm(tls, v2, certificateForm(s, signedAssertion(ROTATED_CERTIFICATE, "RS256",
                    "x5t#S256", ROTATED_CERTIFICATE.x5tS256(), assertionClaims(v2, s.clientId(), Instant.now()))));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("2", accessTokenClaims(JSON.readTree(r.body()).get("access_token").asText()).get("appidacr").asText());

            // v1, with the tenant's domain in the path and so in aud
            String v1 = s.httpsBaseUrl() + "/" + s.tenantDomain() + "/oauth2/token";
            HttpResponse<String> r1 = postForm(tls, v1, form("grant_type", "client_credentials", "client_id", s.clientId(),
                    "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion", signedAssertion(APP_CERTIFICATE, "RS256", "x5t#S256", APP_CERTIFICATE.x5tS256(),
                            assertionClaims(v1, s.clientId(), Instant.now())),
                    "resource", "https://manage.office.com"));
            assertEquals(200, r1.statusCode(), r1.body());
            assertEquals("2", accessTokenClaims(JSON.readTree(r1.body()).get("access_token").asText()).get("appidacr").asText());

            // PS256 (the current Entra documentation's form) with x5t#S256
            HttpResponse<String> ps = postForm(tls, v2, certificateForm(s, signedAssertion(APP_CERTIFICATE, "PS256",
                    "x5t#S256", APP_CERTIFICATE.x5tS256(), assertionClaims(v2, s.clientId(), Instant.now()))));
            assertEquals(200, ps.statusCode(), ps.body());
            assertEquals(3, s.certificateTokenCount());
        }
    }

    @Test
    void thumbprintsInStandardBase64AsMsal4jSendsThemAreAccepted() throws Exception {
        TestCertificate msalStyle = certificateWithNonUrlSafeThumbprints();
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().https(true).blobsPerContentType(0)
                .clientCertificate(msalStyle.certificate()).build()) {
            s.start();
            HttpClient tls = trusting(s.serverCertificate());
            String endpoint = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            for (String[] header : List.of(new String[] {"x5t#S256", standardBase64(msalStyle.x5tS256())},
                    new String[] {"x5t", standardBase64(msalStyle.x5t())})) {
                HttpResponse<String> r = postForm(tls, endpoint, certificateForm(s, signedAssertion(msalStyle, "RS256",
                        header[0], header[1], assertionClaims(endpoint, s.clientId(), Instant.now()))));
                assertEquals(200, r.statusCode(), header[0] + " " + header[1] + ": " + r.body());
            }
            assertEquals(2, s.certificateTokenCount());
        }
    }

    @Test
    void refusedAssertionsGetEntraErrorCodes() throws Exception {
        try (ManagementApiSimulator s = certificateSimulator()) {
            HttpClient tls = trusting(s.serverCertificate());
            String endpoint = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            Instant now = Instant.now();

            // a certificate the app does not have
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(UNREGISTERED_CERTIFICATE, "RS256",
                    "x5t", UNREGISTERED_CERTIFICATE.x5t(), assertionClaims(endpoint, s.clientId(), now)))),
                    401, "invalid_client", 700027);
            // a registered certificate's thumbprint, but signed with another key
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(UNREGISTERED_CERTIFICATE, "RS256",
                    "x5t", APP_CERTIFICATE.x5t(), assertionClaims(endpoint, s.clientId(), now)))),
                    401, "invalid_client", 700027);
            // expired a minute ago
            ObjectNode expired = assertionClaims(endpoint, s.clientId(), now.minus(Duration.ofMinutes(11)));
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), expired))), 401, "invalid_client", 700024);
            // not valid before 10 minutes from now (more than the 5 minutes of skew allowed)
            ObjectNode early = assertionClaims(endpoint, s.clientId(), now.plus(Duration.ofMinutes(10)));
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), early))), 401, "invalid_client", 700024);
            // aud: the http URL, the v1 endpoint, another tenant: none is the endpoint the request was sent to
            for (String aud : List.of(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token",
                    s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/token",
                    s.httpsBaseUrl() + "/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token")) {
                assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                        APP_CERTIFICATE.x5t(), assertionClaims(aud, s.clientId(), now)))), 401, "invalid_client", 700023);
            }
            // iss / sub not the client id
            ObjectNode otherIssuer = assertionClaims(endpoint, s.clientId(), now).put("iss", "11111111-2222-4333-8444-555555555555");
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), otherIssuer))), 401, "invalid_client", 700021);
            // no jti; not a JWT at all
            ObjectNode noJti = assertionClaims(endpoint, s.clientId(), now);
            noJti.remove("jti");
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), noJti))), 400, "invalid_request", 50027);
            assertAad(postForm(tls, endpoint, certificateForm(s, "not.a-jwt")), 400, "invalid_request", 50027);
            // PS256 must name the key by x5t#S256
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "PS256", "x5t",
                    APP_CERTIFICATE.x5t(), assertionClaims(endpoint, s.clientId(), now)))), 401, "invalid_client", 700027);
            // a secret and an assertion in one request
            String valid = signedAssertion(APP_CERTIFICATE, "RS256", "x5t", APP_CERTIFICATE.x5t(),
                    assertionClaims(endpoint, s.clientId(), now));
            assertAad(postForm(tls, endpoint, certificateForm(s, valid) + "&" + form("client_secret", s.clientSecret())),
                    400, "invalid_request", 700025);

            assertEquals(0, s.certificateTokenCount());
            assertEquals(12, s.tokenCallCount());
            // the valid assertion alone still works
            assertEquals(200, postForm(tls, endpoint, certificateForm(s, valid)).statusCode());
            assertEquals(1, s.certificateTokenCount());
        }
    }

    // ------------------------------------------------------------------ tenants

    @Test
    void twoTenantsHaveTheirOwnCredentialsContentAndTokens() throws Exception {
        try (ManagementApiSimulator s = twoTenantSimulator()) {
            s.start();
            ManagementApiSimulator.Tenant a = s.tenant(s.tenantId());
            ManagementApiSimulator.Tenant b = s.tenant(SECOND_TENANT.toUpperCase(Locale.ROOT));
            assertEquals(List.of(s.tenantId(), SECOND_TENANT), s.tenantIds());
            assertEquals("contoso-sim.onmicrosoft.com", b.tenantDomain());
            assertThrows(IllegalArgumentException.class, () -> s.tenant("11111111-2222-4333-8444-555555555555"));

            // each app registration is checked in its own tenant
            String tokenA = tokenFor(s);
            String tokenB = secretToken(s, b.tenantDomain(), b.clientId(), b.clientSecret());
            assertAad(secretTokenResponse(s, SECOND_TENANT, b.clientId(), s.clientSecret()), 401, "invalid_client", 7000215);
            assertAad(secretTokenResponse(s, SECOND_TENANT, s.clientId(), b.clientSecret()), 400, "unauthorized_client", 700016);
            assertEquals(SECOND_TENANT, accessTokenClaims(tokenB).get("tid").asText());
            assertEquals(b.clientId(), accessTokenClaims(tokenB).get("appid").asText());
            assertEquals(3, b.tokenCallCount());
            assertEquals(1, a.tokenCallCount());
            assertEquals(1, s.tokenCallCount());

            // a token works only on its own tenant's API
            assertEquals(200, tenantCall(s, s.tenantId(), "subscriptions/list", tokenA).statusCode());
            assertEquals(200, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());
            assertErrorCode(tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenA), 400, "AF20010");
            assertErrorCode(tenantCall(s, s.tenantId(), "subscriptions/list", tokenB), 400, "AF20010");

            // each listing shows its own blobs only, with the tenant's own contentUris and records
            Map<String, String> listedA = listedUris(s, s.tenantId(), tokenA);
            Map<String, String> listedB = listedUris(s, SECOND_TENANT, tokenB);
            assertEquals(ids(a.blobs()), listedA.keySet());
            assertEquals(ids(b.blobs()), listedB.keySet());
            assertEquals(2, listedA.size());
            assertEquals(3, listedB.size());
            assertTrue(listedB.values().stream().allMatch(u -> u.contains("/api/v1.0/" + SECOND_TENANT + "/")), listedB.toString());
            String blobOfB = listedB.keySet().iterator().next();
            HttpResponse<String> records = get(listedB.get(blobOfB), tokenB, null);
            assertEquals(200, records.statusCode(), records.body());
            for (JsonNode record : JSON.readTree(records.body())) {
                assertEquals(SECOND_TENANT, record.get("OrganizationId").asText());
            }
            assertEquals(b.records(blobOfB).size(), JSON.readTree(records.body()).size());
            assertEquals(1, b.blobGetCount(blobOfB));
            assertErrorCode(tenantCall(s, s.tenantId(), "audit/" + blobOfB, tokenA), 404, "AF20050");
            assertThrows(IllegalArgumentException.class, () -> s.records(blobOfB), "not the primary tenant's blob");

            // counters per tenant; the top-level ones are the primary tenant's
            assertEquals(1, a.listCallCount());
            assertEquals(1, b.listCallCount("Audit.Exchange"));
            assertEquals(a.totalApiCalls(), s.totalApiCalls());
            assertEquals(a.recordCount(), s.recordCount());
            assertEquals(4, a.totalApiCalls()); // list, AF20010 with B's token, listing, blob of B on A's path
            assertEquals(4, b.totalApiCalls()); // list, AF20010 with A's token, listing, blob
            assertEquals(3 * 4, b.recordCount());
            assertEquals(Set.of("Audit.Exchange"), b.enabledSubscriptions());
        }
    }

    @Test
    void throttlingOneTenantLeavesTheOtherAnswering() throws Exception {
        try (ManagementApiSimulator s = twoTenantSimulator()) {
            s.start();
            String tokenA = tokenFor(s);
            ManagementApiSimulator.Tenant b = s.tenant(SECOND_TENANT);
            String tokenB = secretToken(s, SECOND_TENANT, b.clientId(), b.clientSecret());
            b.faults(new ManagementApiSimulator.Faults(1.0, 429, 2, 0, 0));
            for (int i = 0; i < 5; i++) {
                assertEquals(200, tenantCall(s, s.tenantId(), "subscriptions/list", tokenA).statusCode());
                HttpResponse<String> throttled = tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB);
                assertErrorCode(throttled, 429, "AF429");
                assertEquals("2", throttled.headers().firstValue("Retry-After").orElse(null));
            }
            assertEquals(5, b.throttledCount());
            assertEquals(0, s.throttledCount());
            assertEquals(5, s.apiRequestTimes().size());
            assertEquals(5, b.apiRequestTimes().size());
            // the token endpoint is not faulted
            secretToken(s, SECOND_TENANT, b.clientId(), b.clientSecret());
            b.faults(ManagementApiSimulator.Faults.none());
            assertEquals(200, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());

            // and the other way round: the top-level faults are the primary tenant's
            s.faults(new ManagementApiSimulator.Faults(1.0, 403, null, 0, 0));
            assertErrorCode(tenantCall(s, s.tenantId(), "subscriptions/list", tokenA), 403, "AF429");
            assertEquals(200, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());
            b.revokeTokens();
            assertEquals(401, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());
        }
    }

    @Test
    void tenantsNeedDistinctIdsAndDomainsAndEachHasItsOwnCertificates() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ManagementApiSimulator.builder()
                .tenant(TenantSpec.of(ManagementApiSimulator.builder().build().tenantId())).build());
        assertThrows(IllegalArgumentException.class, () -> ManagementApiSimulator.builder()
                .tenant(TenantSpec.of(SECOND_TENANT).tenantDomain("FABRIKAM-sim.onmicrosoft.com")).build());
        assertThrows(IllegalArgumentException.class, () -> TenantSpec.of("not-a-guid"));

        try (ManagementApiSimulator s = ManagementApiSimulator.builder().https(true).blobsPerContentType(0)
                .clientCertificate(APP_CERTIFICATE.certificate())
                .tenant(TenantSpec.of(SECOND_TENANT).clientCertificate(ROTATED_CERTIFICATE.certificate()))
                .tenant(TenantSpec.of("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")).build()) {
            s.start();
            HttpClient tls = trusting(s.serverCertificate());
            ManagementApiSimulator.Tenant b = s.tenant(SECOND_TENANT);
            ManagementApiSimulator.Tenant c = s.tenant("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
            assertEquals("tenant3-sim.onmicrosoft.com", c.tenantDomain());
            assertEquals(s.clientId(), c.clientId(), "the same multi-tenant app by default");
            String endpointB = s.httpsBaseUrl() + "/" + SECOND_TENANT + "/oauth2/v2.0/token";
            // the primary's certificate is not registered in tenant B, B's is
            assertAad(postForm(tls, endpointB, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), assertionClaims(endpointB, s.clientId(), Instant.now())))), 401, "invalid_client", 700027);
            assertEquals(200, postForm(tls, endpointB, certificateForm(s, signedAssertion(ROTATED_CERTIFICATE, "RS256", "x5t",
                    ROTATED_CERTIFICATE.x5t(), assertionClaims(endpointB, s.clientId(), Instant.now())))).statusCode());
            // tenant C inherited the primary's
            String endpointC = s.httpsBaseUrl() + "/" + c.tenantDomain() + "/oauth2/v2.0/token";
            assertEquals(200, postForm(tls, endpointC, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), assertionClaims(endpointC, s.clientId(), Instant.now())))).statusCode());
            assertEquals(List.of(1, 1, 0), List.of(b.certificateTokenCount(), c.certificateTokenCount(), s.certificateTokenCount()));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode v2Token() throws Exception {
        HttpResponse<String> r = post("/" + sim.tenantId() + "/oauth2/v2.0/token", form(
                "grant_type", "client_credentials", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String form(String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> api(String method, String relative) throws IOException, InterruptedException {
        return api(method, relative, token, null);
    }

    private static HttpResponse<String> api(String method, String relative, String bearer, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/" + relative))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to an API operation of simulator s ({@code relative} under {@code activity/feed/}); bearer may be null. */
    private static HttpResponse<String> call(ManagementApiSimulator s, String method, String relative, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1.0/" + s.tenantId()
                        + "/activity/feed/" + relative))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url, String bearer, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String url, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Bearer " + token);
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder blobRequest(ManagementApiSimulator s, String bearer, String contentId) {
        return HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/audit/" + contentId))
                .header("Authorization", "Bearer " + bearer).GET();
    }

    private static String tokenFor(ManagementApiSimulator s) throws Exception {
        HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials", "client_id", s.clientId(),
                                "client_secret", s.clientSecret(), "scope", "https://manage.office.com/.default"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, t.statusCode(), t.body());
        return JSON.readTree(t.body()).get("access_token").asText();
    }

    /**
     * A raw HTTP/1.1 GET ({@code relative} under {@code activity/feed/}, Connection: close) and every byte received
     * until the server closes the connection; a reset ends the stream like a close.
     */
    private static byte[] rawGet(ManagementApiSimulator s, String bearer, String relative, boolean gzip) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1.0/" + s.tenantId() + "/activity/feed/" + relative + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + bearer + "\r\n" + (gzip ? "Accept-Encoding: gzip\r\n" : "")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // the connection was reset: what came before is what the client got
            }
            return got.toByteArray();
        }
    }

    /** A raw HTTP/1.1 response: status, headers (lower-case names, first value), the body bytes as received. */
    private record RawResponse(int status, Map<String, String> headers, byte[] body) {
        static RawResponse parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "no complete header: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, Arrays.copyOfRange(raw, end + 4, raw.length));
        }
    }

    private static byte[] gunzip(byte[] zipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
            return in.readAllBytes();
        }
    }

    /** Runs c on a fresh daemon thread (so a blocked read can be given up on). */
    private static <T> CompletableFuture<T> async(Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "simulator-test-reader");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The server counts a completed download right after writing it: give it a moment. */
    private static void awaitCount(java.util.function.IntSupplier count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (count.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, count.getAsInt());
    }

    private static void assertAad(HttpResponse<String> r, int status, String error, int code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode json = JSON.readTree(r.body());
        assertEquals(error, json.get("error").asText(), r.body());
        assertEquals(code, json.get("error_codes").get(0).asInt(), r.body());
        assertTrue(json.get("error_description").asText().startsWith("AADSTS" + code + ": "), r.body());
    }

    private static void assertErrorCode(HttpResponse<String> r, int status, String code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, JSON.readTree(r.body()).path("error").path("code").asText(), r.body());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ------------------------------------------------------------------ helpers: https, certificates, tenants

    /** The app's certificates of {@link #certificateSimulator()}; one more that no app has. */
    private static final TestCertificate APP_CERTIFICATE = TestCertificate.generate("o365-collector-app");
    private static final TestCertificate ROTATED_CERTIFICATE = TestCertificate.generate("o365-collector-app-2026");
    private static final TestCertificate UNREGISTERED_CERTIFICATE = TestCertificate.generate("someone-else");
    private static final String SECOND_TENANT = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";

    /** Started, https on, the primary app with two certificates. */
    private static ManagementApiSimulator certificateSimulator() {
        ManagementApiSimulator s = ManagementApiSimulator.builder().https(true).blobsPerContentType(0)
                .subscriptionsInitiallyEnabled(true)
                .clientCertificate(APP_CERTIFICATE.certificate()).clientCertificate(ROTATED_CERTIFICATE.certificate())
                .build();
        s.start();
        return s;
    }

    /** Not started: the primary tenant (Exchange, 2 blobs) and a second one with another app (Exchange, 3 blobs). */
    private static ManagementApiSimulator twoTenantSimulator() {
        return ManagementApiSimulator.builder().seed(21).contentTypes(List.of("Audit.Exchange")).blobsPerContentType(2)
                .recordsPerBlob(3).backlog(Duration.ofHours(6)).subscriptionsInitiallyEnabled(true)
                .tenant(TenantSpec.of(SECOND_TENANT).tenantDomain("contoso-sim.onmicrosoft.com")
                        .clientId("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b").clientSecret("other~Secret.Value_0123456789")
                        .blobsPerContentType(3).recordsPerBlob(4))
                .build();
    }

    /**
     * A new certificate whose SHA-1 and SHA-256 thumbprints, in standard base64, are not base64url (each holds a '+' or
     * a '/'): most are, so this takes a few tries at most.
     */
    private static TestCertificate certificateWithNonUrlSafeThumbprints() {
        for (int i = 0; i < 100; i++) {
            TestCertificate c = TestCertificate.generate("msal-style-" + i);
            if (standardBase64(c.x5t()).matches(".*[+/].*") && standardBase64(c.x5tS256()).matches(".*[+/].*")) {
                return c;
            }
        }
        throw new IllegalStateException("no certificate with a '+' or '/' in both thumbprints in 100 tries");
    }

    /** A base64url thumbprint in standard, padded base64, the way MSAL4J 1.23 writes {@code x5t} and {@code x5t#S256}. */
    private static String standardBase64(String base64url) {
        return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(base64url));
    }

    /** An HTTP client that trusts only that certificate (the simulator's self-signed server certificate). */
    private static HttpClient trusting(java.security.cert.X509Certificate certificate) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("simulator", certificate);
        javax.net.ssl.TrustManagerFactory trustManagers =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> postForm(HttpClient client, String url, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A v2 certificate request as MSAL4J sends it (its scope includes the OpenID scopes, and client_info). */
    private static String certificateForm(ManagementApiSimulator s, String assertion) {
        return form("grant_type", "client_credentials", "client_id", s.clientId(),
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion, "client_info", "1",
                "scope", "offline_access https://manage.office.com/.default openid profile");
    }

    /** Claims of a client assertion valid from {@code notBefore} for 10 minutes. */
    private static ObjectNode assertionClaims(String audience, String clientId, Instant notBefore) {
        return JSON.createObjectNode().put("aud", audience).put("iss", clientId).put("sub", clientId)
                .put("jti", java.util.UUID.randomUUID().toString()).put("nbf", notBefore.getEpochSecond())
                .put("exp", notBefore.getEpochSecond() + 600);
    }

    /**
     * A client assertion built by hand: header {@code {"alg":alg,"typ":"JWT",thumbprintHeader:thumbprint}}, the
     * claims, signed with the signer's private key (SHA256withRSA for RS256, RSASSA-PSS SHA-256/MGF1/32 for PS256).
     */
    private static String signedAssertion(TestCertificate signer, String alg, String thumbprintHeader, String thumbprint,
                                          ObjectNode claims) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("alg", alg).put("typ", "JWT").put(thumbprintHeader, thumbprint);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        java.security.Signature signature;
        if (alg.equals("PS256")) {
            signature = java.security.Signature.getInstance("RSASSA-PSS");
            signature.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        } else {
            signature = java.security.Signature.getInstance("SHA256withRSA");
        }
        signature.initSign(signer.keyPair().getPrivate());
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(signature.sign());
    }

    /** The claims of an access token issued by the simulator (its payload, decoded). */
    private static JsonNode accessTokenClaims(String accessToken) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
    }

    private static HttpResponse<String> secretTokenResponse(ManagementApiSimulator s, String tenant, String clientId,
                                                            String secret) throws Exception {
        return postForm(HTTP, s.baseUrl() + "/" + tenant + "/oauth2/v2.0/token", form("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", secret, "scope", "https://manage.office.com/.default"));
    }

    private static String secretToken(ManagementApiSimulator s, String tenant, String clientId, String secret) throws Exception {
        HttpResponse<String> r = secretTokenResponse(s, tenant, clientId, secret);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** A GET of an API operation ({@code relative} under {@code activity/feed/}) of one tenant, over http. */
    private static HttpResponse<String> tenantCall(ManagementApiSimulator s, String tenant, String relative, String bearer)
            throws IOException, InterruptedException {
        return get(s.baseUrl() + "/api/v1.0/" + tenant + "/activity/feed/" + relative, bearer, null);
    }

    /** contentId -> contentUri of every Audit.Exchange blob one tenant lists (default window: the last 24 h). */
    private static Map<String, String> listedUris(ManagementApiSimulator s, String tenant, String bearer) throws Exception {
        HttpResponse<String> r = tenantCall(s, tenant, "subscriptions/content?contentType=Audit.Exchange", bearer);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("NextPageUri").isEmpty());
        Map<String, String> out = new java.util.HashMap<>();
        for (JsonNode item : JSON.readTree(r.body())) {
            out.put(item.get("contentId").asText(), item.get("contentUri").asText());
        }
        return out;
    }

    private static Set<String> ids(List<ManagementApiSimulator.Blob> blobs) {
        return blobs.stream().map(ManagementApiSimulator.Blob::contentId).collect(Collectors.toSet());
    }
}
