package io.github.o365auditcamel.simulator;

import io.github.o365auditcamel.simulator.ManagementApiSimulator.RequestKind;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request held by {@link ManagementApiSimulator#stallNext}, for crash tests that must stop the client at a precise
 * point; thread-safe.
 *
 * <p>The next blob download ({@link RequestKind#BLOB}, {@code GET .../audit/{contentId}}) or content listing
 * ({@link RequestKind#LISTING}, {@code GET .../subscriptions/content}) that gets a 200 answer hangs: the simulator
 * sends the status line, the headers and the first {@code bytesBeforeStall} bytes of the uncompressed body (chunked,
 * no Content-Length; through a sync-flushed gzip stream when the client accepts gzip, so the client can decode what it
 * got), flushes them, and then holds the exchange until {@link #release()} (the response then completes normally) or
 * {@link ManagementApiSimulator#close()} (the connection is then aborted). With {@code bytesBeforeStall = 0} nothing
 * at all is sent while held. Requests answered with an error are never held and do not use up a stall. A held blob
 * download counts in {@link ManagementApiSimulator#blobGetCount(String)} only once it has completed, and never when
 * aborted; a held request counts in {@link ManagementApiSimulator#listCallCount()} /
 * {@link ManagementApiSimulator#totalApiCalls()} on arrival, like any other. A held exchange occupies one thread of
 * the server's pool (16 threads); other requests are served meanwhile. If the client goes away while held, release()
 * and close() just clean up (when the peer's disappearance is not yet visible to the write, the download may still
 * count as completed).
 */
public final class Stall {
    private final FaultInjection owner;
    private final RequestKind kind;
    private final int bytesBeforeStall;
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean aborted;
    private volatile String contentId;

    Stall(FaultInjection owner, RequestKind kind, int bytesBeforeStall) {
        this.owner = owner;
        this.kind = kind;
        this.bytesBeforeStall = bytesBeforeStall;
    }

    /** Waits until a request is being held (its first bytes flushed); true if it is, false on timeout. */
    public boolean awaitStalled(Duration timeout) {
        try {
            return stalled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** For {@link RequestKind#BLOB}: the held blob's contentId; null for a listing or before a request took it. */
    public String contentId() {
        return contentId;
    }

    /**
     * Lets the held response complete. Idempotent, never throws (also not when the client has gone away). Called
     * before any request was held, it cancels the stall: no request will be held.
     */
    public void release() {
        owner.cancelStall(kind, this);
        released.countDown();
    }

    int bytesBeforeStall() {
        return bytesBeforeStall;
    }

    /** Binds the stall to the request it holds ({@code contentId}: the blob's, null for a listing). */
    void claimedFor(String contentId) {
        this.contentId = contentId;
    }

    void abort() {
        aborted = true;
        released.countDown();
    }

    /** Marks the request held and blocks; true when released, false when aborted (close()). */
    boolean hold() {
        stalled.countDown();
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !aborted;
    }
}
