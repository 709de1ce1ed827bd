package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Content listing: pagination over NextPageUri and the time-window rules. */
class SimulatorContentListingTest extends SimulatorTestSupport {

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
}
