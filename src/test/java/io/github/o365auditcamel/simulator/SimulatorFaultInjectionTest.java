package io.github.o365auditcamel.simulator;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fault injection: throttling, server errors, invalid fault values and stalls never faulted. */
class SimulatorFaultInjectionTest extends SimulatorTestSupport {

    @Test
    void faultsRejectInvalidValues() {
        assertThrows(IllegalArgumentException.class, () -> new Faults(0.5, 500, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(1.5, 429, null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(0, 429, null, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Faults(0, 429, null, 0, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new Faults(0, 403, -1, 0, 0));
        Faults none = Faults.none();
        assertEquals(new Faults(0, 429, null, 0, 0), none);
    }

    @Test
    void throttlingAnswersAf429WithConfiguredStatusAndRetryAfter() throws Exception {
        String publisher = "7d3f1c2a-5b4e-4a6d-9c8b-1e2f3a4b5c6d";
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(3).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(2).recordsPerBlob(5).subscriptionsInitiallyEnabled(true)
                .faults(new Faults(1.0, 403, 7, 1.0, 1.0)).build()) {
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

            s.faults(new Faults(1.0, 429, null, 0, 0));
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
            s.faults(new Faults(0, 429, 7, 1.0, 0));
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

            s.faults(new Faults(0, 429, null, 0, 1.0));
            HttpResponse<String> html = call(s, "GET", "audit/" + contentId, bearer);
            assertEquals(502, html.statusCode());
            assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertEquals("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
                    html.body());
            assertEquals(21, s.serverErrorCount());
            assertEquals(0, s.blobGetCount(contentId));

            s.faults(Faults.none());
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
                .faults(new Faults(1.0, 429, null, 0, 0)).build()) {
            s.start();
            String bearer = tokenFor(s);
            Stall stall = s.stallNext(ManagementApiSimulator.RequestKind.LISTING, 0);
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
}
