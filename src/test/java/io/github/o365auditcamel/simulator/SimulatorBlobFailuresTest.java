package io.github.o365auditcamel.simulator;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-blob failures and network faults: 408/502, dropped connections, slow responses, random faults. */
class SimulatorBlobFailuresTest extends SimulatorTestSupport {

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
        assertThrows(IllegalArgumentException.class, () -> new Faults(0, 429, null, 0, 0, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Faults.none().withNetworkFaults(0, Double.NaN));
        Faults network = new Faults(0.1, 403, 2, 0.2, 0.3).withNetworkFaults(0.4, 0.5);
        assertEquals(new Faults(0.1, 403, 2, 0.2, 0.3, 0.4, 0.5), network);
        assertEquals(new Faults(0, 429, null, 0, 0, 0, 0), Faults.none());

        try (ManagementApiSimulator s = networkFaultSimulator(21)) {
            String bearer = tokenFor(s);
            String id = s.blobs().get(0).contentId();
            s.faults(Faults.none().withNetworkFaults(1.0, 0));
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
            s.faults(Faults.none().withNetworkFaults(0, 1.0));
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
                    twin.faults(Faults.none().withNetworkFaults(1.0, 0));
                    assertEquals(408, call(twin, "GET", "audit/" + twinId, twinBearer).statusCode());
                }
                twin.faults(Faults.none().withNetworkFaults(0, 1.0));
                assertEquals(kinds, dropKinds(twin, twinBearer, twinId, 16));
            }

            // a mix, through the JDK client (which retries a GET once when a connection ends before any byte)
            s.faults(new Faults(0, 429, null, 0, 0, 0.25, 0.25));
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
}
