package io.github.o365auditcamel.simulator;

/**
 * How {@link ManagementApiSimulator#failBlob} makes a GET of one blob fail. A failure applies only to a GET that would
 * otherwise get the blob (200): authenticated, subscription enabled, blob not expired; a request answered with an
 * error, or faulted by {@link Faults}, neither fails nor uses up a failure.
 */
public enum BlobFailure {
    /**
     * HTTP 408 with {@code {"error":{"code":"RequestTimeout","message":"The request timed out. Retry the
     * request."}}} ({@code application/json}); counts in {@link ManagementApiSimulator#timeoutCount()}.
     */
    STATUS_408,
    /** HTTP 502 with the HTML gateway page of {@link Faults} ({@code text/html}); counts in {@link ManagementApiSimulator#serverErrorCount()}. */
    HTML_502,
    /**
     * The connection is closed without any response byte (the client sees an end of stream before the status
     * line: Apache HttpClient's NoHttpResponseException, an IOException in the JDK client, or a connection
     * reset). Clients commonly retry that once on their own for a GET (the JDK HttpClient does, so
     * may Apache HttpClient's default retry strategy): every retry is a new GET and uses up one more failure.
     */
    DROP_BEFORE_RESPONSE,
    /**
     * Status 200 and the headers with the full {@code Content-Length} of what would be sent, then the first half
     * ({@code length / 2}) of those bytes, flushed, then the connection is closed (the client sees a premature end
     * of body: Apache HttpClient's ConnectionClosedException, an EOFException in the JDK client). The bytes are
     * those actually sent: the gzip-compressed body when the client accepts gzip, else the plain body.
     */
    DROP_MID_BODY,
    /**
     * Nothing is sent for {@link ManagementApiSimulator#slowResponseDelay()} (real time, not the simulator's clock; default 5 s), then
     * the request is answered normally (and may be held by a pending {@link ManagementApiSimulator#stallNext} stall). A client with a
     * shorter response timeout gives up. The waiting request occupies one of the server's 16 threads;
     * {@link ManagementApiSimulator#close()} aborts the wait (the connection is then closed without an answer). The late answer
     * counts in {@link ManagementApiSimulator#blobGetCount(String)} once written, which may happen even after the client has given up
     * (a small body fits in the socket's buffers).
     */
    SLOW_RESPONSE,
    /**
     * HTTP 429 with {@code {"error":{"code":"AF429","message":"Too many requests. Method=GetBlob, ..."}}} and no
     * {@code Retry-After}: the tenant is throttled when its blob is asked for; counts in {@link ManagementApiSimulator#throttledCount()}.
     */
    THROTTLED
}
