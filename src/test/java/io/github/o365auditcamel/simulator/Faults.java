package io.github.o365auditcamel.simulator;

/**
 * Faults injected into one tenant's API calls (everything under {@code /api/} whose path names that tenant, not the
 * token endpoint), for tests of a client's retry and pacing. Settable at any time with
 * {@link ManagementApiSimulator#faults(Faults)} (the primary tenant, which also gets the requests naming no tenant of
 * the simulator), {@link SimulatedTenant#faults(Faults)} or {@link SimulatorBuilder#faults}; default {@link #none()}.
 * Throttling is only this random one: the simulator has no rate-based throttling.
 * {@link ManagementApiSimulator#throttledCount()}, {@link ManagementApiSimulator#serverErrorCount()},
 * {@link ManagementApiSimulator#timeoutCount()}, {@link ManagementApiSimulator#droppedConnectionCount()} and
 * {@link ManagementApiSimulator#apiRequestTimes()} tell what the client got and how fast it called.
 *
 * <p>Decided per API request, on arrival, before any other processing (authentication included), with a random
 * generator of the tenant, seeded from the tenant's seed: with probability {@code throttleShare} the answer is
 * {@code throttleStatus} (429 or 403) with {@code {"error":{"code":"AF429","message":"Too many requests.
 * Method=<GetBlob|GetContents|StartSubscription|...>, PublisherId=<the request's PublisherIdentifier, else
 * 00000000-0000-0000-0000-000000000000>"}}} and, when {@code retryAfterSeconds} is not null, a
 * {@code Retry-After: <seconds>} header; else with probability {@code serverErrorShare} 503 or 500 (at random)
 * with AF50000; else with probability {@code htmlErrorShare} a 502 {@code text/html} gateway page; else with
 * probability {@code timeoutShare} a 408 with {@code {"error":{"code":"RequestTimeout","message":"The request
 * timed out. Retry the request."}}}; else with probability {@code dropShare} the connection is dropped (see
 * below); otherwise the request is processed normally. A faulted request counts in
 * {@link ManagementApiSimulator#totalApiCalls()}, {@link ManagementApiSimulator#apiRequestTimes()} and its fault's
 * counter only: never as a blob download, a listing call or a start. A request of a kind with a pending stall
 * ({@link ManagementApiSimulator#stallNext}) is never faulted, so the stall always gets its request. A share that is 0
 * draws nothing from the random generator: with both network shares 0 a seed gives the same faults as it did
 * before they existed.
 *
 * <p>A dropped request: for a blob GET of a blob served here ({@code GET .../audit/{contentId}}, the blob known
 * and not foreign), at random (50/50) either the connection is closed without any response byte, or the
 * simulator sends 200, the headers with the full {@code Content-Length} and the first half of the bytes it would
 * send (gzip-compressed when the client accepts gzip; the blob's body as stored, whatever its state), then closes
 * the connection; for any other API request the connection is always closed without any response byte. Drops
 * count in {@link ManagementApiSimulator#droppedConnectionCount()}, 408s in
 * {@link ManagementApiSimulator#timeoutCount()}.
 *
 * <p>The five-argument constructor (no network faults) is kept for existing callers;
 * {@link #withNetworkFaults(double, double)} adds them to any instance.
 *
 * @param throttleShare     probability in [0, 1] of an AF429 answer
 * @param throttleStatus    429 or 403 (the status Microsoft's own example shows)
 * @param retryAfterSeconds Retry-After value sent with AF429 (>= 0), or null for none (the documented behaviour)
 * @param serverErrorShare  probability in [0, 1] of an AF50000 500/503, among the requests not throttled
 * @param htmlErrorShare    probability in [0, 1] of an HTML 502, among the requests neither throttled nor 5xx-JSON
 * @param timeoutShare      probability in [0, 1] of a 408 (JSON body), among the requests not answered by any of
 *                          the above
 * @param dropShare         probability in [0, 1] of a dropped connection, among the requests not answered by any
 *                          of the above (408 included)
 */
public record Faults(double throttleShare, int throttleStatus, Integer retryAfterSeconds,
                     double serverErrorShare, double htmlErrorShare, double timeoutShare, double dropShare) {

    /** Validates every component (see the parameters above); IllegalArgumentException on an invalid one. */
    public Faults {
        requireShare(throttleShare, "throttleShare");
        requireShare(serverErrorShare, "serverErrorShare");
        requireShare(htmlErrorShare, "htmlErrorShare");
        requireShare(timeoutShare, "timeoutShare");
        requireShare(dropShare, "dropShare");
        if (throttleStatus != 429 && throttleStatus != 403) {
            throw new IllegalArgumentException("throttleStatus must be 429 or 403: " + throttleStatus);
        }
        if (retryAfterSeconds != null && retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0: " + retryAfterSeconds);
        }
    }

    /**
     * HTTP-level faults only, no network faults: {@code timeoutShare} and {@code dropShare} 0. The constructor of
     * the original five-component record, kept for existing callers.
     */
    public Faults(double throttleShare, int throttleStatus, Integer retryAfterSeconds, double serverErrorShare,
                  double htmlErrorShare) {
        this(throttleShare, throttleStatus, retryAfterSeconds, serverErrorShare, htmlErrorShare, 0, 0);
    }

    /** No faults: all shares zero, throttleStatus 429, no Retry-After. */
    public static Faults none() {
        return new Faults(0, 429, null, 0, 0);
    }

    /** A copy with these network fault shares (408 and dropped connections); the other components unchanged. */
    public Faults withNetworkFaults(double timeoutShare, double dropShare) {
        return new Faults(throttleShare, throttleStatus, retryAfterSeconds, serverErrorShare, htmlErrorShare,
                timeoutShare, dropShare);
    }

    boolean any() {
        return throttleShare > 0 || serverErrorShare > 0 || htmlErrorShare > 0 || timeoutShare > 0 || dropShare > 0;
    }

    private static void requireShare(double share, String what) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1]: " + share);
        }
    }
}
