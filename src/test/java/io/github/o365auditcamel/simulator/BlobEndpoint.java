package io.github.o365auditcamel.simulator;

import com.sun.net.httpserver.HttpExchange;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.RequestKind;

import java.io.IOException;
import java.util.regex.Pattern;

import static io.github.o365auditcamel.simulator.ApiChecks.requireEnabled;
import static io.github.o365auditcamel.simulator.ApiChecks.requirePermission;
import static io.github.o365auditcamel.simulator.ApiResponses.apiError;
import static io.github.o365auditcamel.simulator.ApiResponses.sendApi;

/**
 * The API's blob download, {@code GET audit/{contentId}}: the blob's body as stored (gzip-compressed when the client
 * accepts gzip), the answers of poison, foreign, expired and hostile blobs, a blob's planned failures and a
 * {@link Stall} of a download.
 *
 * <p>Network-level and transient failures of one blob, for tests of a client's download retries:
 * {@link ManagementApiSimulator#failBlob(String, BlobFailure, int)} makes the next GETs of a blob answer 408 or an HTML
 * 502, drop the connection before any response byte or in the middle of the body, or answer only after
 * {@link ManagementApiSimulator#slowResponseDelay()} ({@link BlobFailure}); {@link ManagementApiSimulator#healBlob}
 * cancels that, {@link ManagementApiSimulator#blobFailureCount} counts the failed GETs. A dropped connection is closed
 * without a complete response: the client sees an end of stream (or a reset) before the status line, or before the
 * announced {@code Content-Length}.
 */
final class BlobEndpoint {

    private static final Pattern CONTENT_ID =
            Pattern.compile("\\d{17,23}\\$\\d{17,23}\\$[A-Za-z0-9_]+\\$[A-Za-z0-9_]+\\$[A-Za-z0-9_]+(\\$[A-Za-z0-9_]+)*");

    private final SimulatorSettings settings;
    private final FaultInjection faults;

    BlobEndpoint(SimulatorSettings settings, FaultInjection faults) {
        this.settings = settings;
        this.faults = faults;
    }

    void getBlob(HttpExchange ex, SimulatedTenant t, String contentId) throws IOException {
        StoredBlob b = t.content.get(contentId);
        HostileEntry hostile = t.content.hostile.requested(contentId); // counted whatever the answer
        if (hostile != null && !hostile.kind().served()) {
            b = null; // MISSING_CONTENT_URI, BAD_CONTENT_ID: answered as content that does not exist
        }
        if (b == null || b.foreignUri != null) {
            if (!CONTENT_ID.matcher(contentId).matches()) {
                apiError(ex, 400, "AF20052", "Content ID " + contentId + " in the URL is invalid.");
            } else {
                apiError(ex, 404, "AF20050", "The specified content (" + contentId + ") does not exist.");
            }
            return;
        }
        if (!requirePermission(ex, t, b.blob.contentType()) || !requireEnabled(ex, t, b.blob.contentType())) {
            return;
        }
        if (b.expired || !settings.now().isBefore(b.blob.contentExpiration())) {
            apiError(ex, 400, "AF20051", "Content requested with the key " + contentId
                    + " has already expired. Content older than 7 days cannot be retrieved.");
            return;
        }
        boolean gzip = ApiResponses.acceptsGzip(ex.getRequestHeaders());
        if (b.hostile != null && b.hostile.kind() == HostileReference.REDIRECT) {
            HostileContent.sendRedirect(ex);
            return;
        }
        if (b.hostile != null && b.hostile.kind() == HostileReference.BLANK_BOMB) {
            HostileContent.sendBlankBomb(ex, b.mediaType);
            t.content.countBlobGet(contentId, gzip);
            return;
        }
        BlobFailure failure = t.plannedFailures.claim(contentId);
        if (failure != null) {
            switch (failure) {
                case STATUS_408 -> {
                    faults.requestTimeout(ex, t);
                    return;
                }
                case HTML_502 -> {
                    faults.gatewayError(ex, t);
                    return;
                }
                case DROP_BEFORE_RESPONSE -> {
                    faults.dropBeforeResponse(ex, t);
                    return;
                }
                case DROP_MID_BODY -> {
                    faults.dropMidBody(ex, t, b.payload(gzip), gzip, b.mediaType);
                    return;
                }
                case THROTTLED -> {
                    faults.throttled(ex, t, 429, "GetBlob", null);
                    return;
                }
                case SLOW_RESPONSE -> {
                    if (!faults.waitSlowResponse()) {
                        return; // close() interrupted the wait: the router closes the connection, nothing sent
                    }
                    // then the normal answer, below
                }
            }
        }
        Stall stall = faults.claimStall(RequestKind.BLOB, contentId);
        if (stall != null) {
            if (!faults.sendHeld(ex, stall, b.body, gzip, b.mediaType)) {
                return; // aborted: not counted
            }
            t.content.countBlobGet(contentId, gzip);
            return;
        }
        sendApi(ex, 200, b.payload(gzip), gzip, b.mediaType);
        t.content.countBlobGet(contentId, gzip);
    }
}
