package io.github.o365auditcamel.simulator;

import com.sun.net.httpserver.HttpExchange;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.RequestKind;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.github.o365auditcamel.simulator.ApiResponses.apiError;
import static io.github.o365auditcamel.simulator.ApiResponses.sendApi;
import static io.github.o365auditcamel.simulator.ApiResponses.startChunked;
import static io.github.o365auditcamel.simulator.RequestSyntax.isBlank;

/**
 * The simulator's injected failures: the random {@link Faults} of each tenant (AF429 throttling, AF50000, HTML gateway
 * errors, 408 timeouts, dropped connections) and the same answers for the planned {@link BlobFailure}s, the
 * {@link BlobFailure#SLOW_RESPONSE} delay, and the requests held by a {@link Stall}. One per simulator; thread-safe.
 */
final class FaultInjection {

    private static final String NO_PUBLISHER = "00000000-0000-0000-0000-000000000000";
    private static final String GATEWAY_PAGE =
            "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    /** inject's codes for a dropped connection (not HTTP statuses). */
    private static final int DROP_BEFORE = -1;
    private static final int DROP_MID = -2;

    private final SimulatorServer server;
    private final ConcurrentHashMap<RequestKind, Stall> pendingStalls = new ConcurrentHashMap<>();
    private final Set<Stall> activeStalls = ConcurrentHashMap.newKeySet();
    private volatile Duration slowResponseDelay;

    /** {@code server}: whether the simulator still runs (a stall or a slow response then gives up). */
    FaultInjection(SimulatorServer server, Duration slowResponseDelay) {
        this.server = server;
        this.slowResponseDelay = slowResponseDelay;
    }

    /**
     * Answers the request with a fault injected by t's {@link Faults} (drawn from t's generator, counted in t) and
     * returns true, or returns false.
     */
    boolean inject(HttpExchange ex, SimulatedTenant t, List<String> op, Map<String, String> q) throws IOException {
        Faults f = t.faults;
        if (!f.any()) {
            return false;
        }
        RequestKind stallable = stallableKind(ex.getRequestMethod(), op);
        if (stallable != null && pendingStalls.containsKey(stallable)) {
            return false; // a stalled request is never faulted
        }
        // a blob GET that can be dropped mid-body: the blob is served here
        StoredBlob blob = stallable == RequestKind.BLOB ? t.content.get(op.get(1)) : null;
        if (blob != null && !blob.plainBody()) {
            blob = null;
        }
        int status;
        Random faultRandom = t.faultRandom;
        synchronized (faultRandom) {
            if (f.throttleShare() > 0 && faultRandom.nextDouble() < f.throttleShare()) {
                status = f.throttleStatus();
            } else if (f.serverErrorShare() > 0 && faultRandom.nextDouble() < f.serverErrorShare()) {
                status = faultRandom.nextBoolean() ? 503 : 500;
            } else if (f.htmlErrorShare() > 0 && faultRandom.nextDouble() < f.htmlErrorShare()) {
                status = 502;
            } else if (f.timeoutShare() > 0 && faultRandom.nextDouble() < f.timeoutShare()) {
                status = 408;
            } else if (f.dropShare() > 0 && faultRandom.nextDouble() < f.dropShare()) {
                status = blob != null && faultRandom.nextBoolean() ? DROP_MID : DROP_BEFORE;
            } else {
                return false;
            }
        }
        switch (status) {
            case 408 -> requestTimeout(ex, t);
            case DROP_BEFORE -> dropBeforeResponse(ex, t);
            case DROP_MID -> {
                boolean gzip = ApiResponses.acceptsGzip(ex.getRequestHeaders());
                dropMidBody(ex, t, blob.payload(gzip), gzip, blob.mediaType);
            }
            case 429, 403 -> {
                if (f.retryAfterSeconds() != null) {
                    ex.getResponseHeaders().set("Retry-After", Integer.toString(f.retryAfterSeconds()));
                }
                throttled(ex, t, status, operationName(ex.getRequestMethod(), op), q.get("publisheridentifier"));
            }
            case 500, 503 -> {
                t.serverErrorCalls.incrementAndGet();
                apiError(ex, status, "AF50000", "An internal error occurred. Retry the request.");
            }
            default -> gatewayError(ex, t);
        }
        return true;
    }

    /**
     * {@code status} (429 or 403) with AF429 naming the operation and the publisher (blank: the all-zero GUID); counts
     * as throttled in t.
     */
    void throttled(HttpExchange ex, SimulatedTenant t, int status, String operation, String publisher)
            throws IOException {
        t.throttledCalls.incrementAndGet();
        apiError(ex, status, "AF429", "Too many requests. Method=" + operation + ", PublisherId="
                + (isBlank(publisher) ? NO_PUBLISHER : publisher.trim()));
    }

    /** 502 with the HTML gateway page; counts as a server error of t. */
    void gatewayError(HttpExchange ex, SimulatedTenant t) throws IOException {
        t.serverErrorCalls.incrementAndGet();
        sendApi(ex, 502, RecordFactory.utf8(GATEWAY_PAGE), false, ApiResponses.HTML);
    }

    /** 408 with a JSON error body; counts in t's timeoutCount(). */
    void requestTimeout(HttpExchange ex, SimulatedTenant t) throws IOException {
        t.timeoutCalls.incrementAndGet();
        apiError(ex, 408, "RequestTimeout", "The request timed out. Retry the request.");
    }

    /**
     * Closes the connection without any response byte. HttpExchange.close() before sendResponseHeaders closes the
     * underlying connection (no response can be sent any more); the router's own close() is then a no-op.
     */
    void dropBeforeResponse(HttpExchange ex, SimulatedTenant t) {
        t.droppedConnections.incrementAndGet();
        ex.close();
    }

    /**
     * Sends 200 with the full Content-Length of {@code payload} (the bytes as they would be sent: gzip-compressed
     * when {@code gzip}), flushes the first half of them, then closes the connection: HttpExchange.close() with a
     * fixed-length body not fully written fails to close the body stream ("insufficient bytes written") and closes
     * the connection instead. An IOException while writing (the client went away) propagates.
     */
    void dropMidBody(HttpExchange ex, SimulatedTenant t, byte[] payload, boolean gzip, String mediaType)
            throws IOException {
        t.droppedConnections.incrementAndGet();
        ApiResponses.apiHeaders(ex, gzip, mediaType);
        ex.sendResponseHeaders(200, payload.length);
        OutputStream out = ex.getResponseBody();
        out.write(payload, 0, payload.length / 2);
        out.flush();
        ex.close();
    }

    /** The kind of request a {@link Stall} can hold that this one is, or null. */
    private static RequestKind stallableKind(String method, List<String> op) {
        if (!method.equals("GET") || op.size() != 2) {
            return null;
        }
        if (op.get(0).equalsIgnoreCase("audit") && !op.get(1).isEmpty()) {
            return RequestKind.BLOB;
        }
        if (op.get(0).equalsIgnoreCase("subscriptions") && op.get(1).equalsIgnoreCase("content")) {
            return RequestKind.LISTING;
        }
        return null;
    }

    /** The service's name of the operation, as in an AF429 message ({@code Method=GetBlob}). */
    private static String operationName(String method, List<String> op) {
        if (op.size() == 2 && op.get(0).equalsIgnoreCase("subscriptions")) {
            switch (op.get(1).toLowerCase(Locale.ROOT)) {
                case "start":
                    return "StartSubscription";
                case "stop":
                    return "StopSubscription";
                case "list":
                    return "ListSubscriptions";
                case "content":
                    return "GetContents";
                case "notifications":
                    return "GetNotifications";
                default:
                    break;
            }
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("audit")) {
            return "GetBlob";
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("resources")) {
            return "GetResourceFriendlyNames";
        }
        return method.equals("POST") ? "Post" : "Get";
    }

    // ------------------------------------------------------------------ stalls

    /** See {@link ManagementApiSimulator#stallNext}. */
    Stall stallNext(RequestKind kind, int bytesBeforeStall) {
        Objects.requireNonNull(kind, "kind");
        if (bytesBeforeStall < 0) {
            throw new IllegalArgumentException("bytesBeforeStall must be >= 0");
        }
        Stall stall = new Stall(this, kind, bytesBeforeStall);
        pendingStalls.put(kind, stall);
        return stall;
    }

    /** A stall released before any request took it: no request will be held. */
    void cancelStall(RequestKind kind, Stall stall) {
        pendingStalls.remove(kind, stall);
    }

    /** The pending stall of that kind, now bound to this request; null if none. */
    Stall claimStall(RequestKind kind, String contentId) {
        Stall stall = pendingStalls.remove(kind);
        if (stall != null) {
            stall.claimedFor(contentId);
            activeStalls.add(stall);
            if (!server.isRunning()) {
                stall.abort(); // close() ran concurrently (it stops the listeners before aborting activeStalls)
            }
        }
        return stall;
    }

    /**
     * A 200 answer held by a stall: chunked, the first {@code bytesBeforeStall} bytes of {@code body} (uncompressed)
     * flushed before holding. True once the response is complete, false if aborted by close() (nothing more sent).
     * An IOException (the client went away) propagates; either way the response does not count as completed.
     */
    boolean sendHeld(HttpExchange ex, Stall stall, byte[] body, boolean gzip, String mediaType) throws IOException {
        try {
            int first = Math.min(stall.bytesBeforeStall(), body.length);
            OutputStream out = null;
            if (stall.bytesBeforeStall() > 0) {
                out = startChunked(ex, gzip, mediaType);
                out.write(body, 0, first);
                out.flush();
            }
            if (!stall.hold()) {
                return false;
            }
            if (out == null) {
                out = startChunked(ex, gzip, mediaType);
            }
            out.write(body, first, body.length - first);
            out.close();
            return true;
        } finally {
            activeStalls.remove(stall);
        }
    }

    /** At close(), once the listeners are stopped: no stall is pending any more, every held request is aborted. */
    void abortStalls() {
        pendingStalls.clear();
        for (Stall stall : activeStalls) {
            stall.abort();
        }
    }

    // ------------------------------------------------------------------ slow responses

    /** See {@link ManagementApiSimulator#slowResponseDelay(Duration)}. */
    void slowResponseDelay(Duration delay) {
        this.slowResponseDelay = requireNonNegative(delay, "slowResponseDelay");
    }

    Duration slowResponseDelay() {
        return slowResponseDelay;
    }

    /** Sleeps slowResponseDelay; false if interrupted (close() shuts the pool down with interrupts). */
    boolean waitSlowResponse() {
        try {
            Duration delay = slowResponseDelay;
            TimeUnit.NANOSECONDS.sleep(delay.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : delay.toNanos());
            return server.isRunning();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Duration requireNonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
        return d;
    }
}
