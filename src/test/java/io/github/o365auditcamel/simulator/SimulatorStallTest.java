package io.github.o365auditcamel.simulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stalled (held) blob and listing requests, their release, close and vanished clients. */
class SimulatorStallTest extends SimulatorTestSupport {

    @Test
    void stalledBlobSendsHeadersAndFirstBytesThenCompletesOnRelease() throws Exception {
        ManagementApiSimulator.Blob blob = sim.addBlobs("Audit.SharePoint", 1, 8, null).get(0);
        byte[] expected = ("[" + String.join(",", sim.records(blob.contentId())) + "]").getBytes(StandardCharsets.UTF_8);
        assertTrue(expected.length > 4000);
        int gzippedBefore = sim.gzippedBlobGetCount();
        Stall stall = sim.stallNext(ManagementApiSimulator.RequestKind.BLOB, 2000);
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
        Stall stall = sim.stallNext(ManagementApiSimulator.RequestKind.LISTING, 0);
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
            Stall blobStall = s.stallNext(ManagementApiSimulator.RequestKind.BLOB, 1000);
            Stall listStall = s.stallNext(ManagementApiSimulator.RequestKind.LISTING, 0);

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
        Stall stall = sim.stallNext(ManagementApiSimulator.RequestKind.BLOB, 500);
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
}
