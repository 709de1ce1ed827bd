package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's unified audit log as Microsoft Graph's audit log query API sees it: the tenant's queries, the search
 * that finds a query's records, the tenant's Graph permission, its injected Graph faults, and its Graph counters.
 * Thread-safe.
 *
 * <p>The log holds every record of the tenant's blobs, whatever their content type, as the blobs hold them, once
 * each (a record the service served again in a later blob is one record), for the tenant's whole retention: a blob
 * expired on the Management API ({@link SimulatedTenant#expireBlob}, or older than its 7 days) still has its records
 * here. A blob whose contentCreated is after the simulator's now is not in it yet. Records of poison, foreign and
 * hostile blobs are not in it, but a {@link HostileReference#HUGE_RECORD}'s two normal records are.
 */
final class GraphAuditLog {

    private final TenantContent content;
    private final ObjectMapper mapper;
    /** The tenant's queries by id, in the order they were created. */
    private final Map<String, GraphAuditQuery> queries = new LinkedHashMap<>(); // guarded by itself
    /** The auditLogRecords of each blob, by contentId, made when a search first reads the blob (bodies never change). */
    private final ConcurrentHashMap<String, List<GraphAuditRecord>> recordsByBlob = new ConcurrentHashMap<>();
    private final List<GraphQueryWindow> windows = new ArrayList<>(); // guarded by itself

    private volatile boolean permissionWithheld;
    private final AtomicInteger failuresPending = new AtomicInteger();
    private final AtomicInteger throttlesPending = new AtomicInteger();

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger statusPolls = new AtomicInteger();
    final AtomicInteger recordPages = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();

    GraphAuditLog(TenantContent content, ObjectMapper mapper) {
        this.content = content;
        this.mapper = mapper;
    }

    // ------------------------------------------------------------------ queries

    /** Keeps a query the tenant created (201), and its filter window. */
    void add(GraphAuditQuery query) {
        synchronized (queries) {
            queries.put(query.id, query);
        }
        synchronized (windows) {
            windows.add(new GraphQueryWindow(query.start, query.end));
        }
    }

    /** The tenant's query with that id (case-insensitive), or null. */
    GraphAuditQuery query(String id) {
        synchronized (queries) {
            GraphAuditQuery q = queries.get(id);
            if (q == null) {
                q = queries.values().stream().filter(x -> x.id.equalsIgnoreCase(id)).findFirst().orElse(null);
            }
            return q;
        }
    }

    /** The tenant's queries, oldest first. */
    List<GraphAuditQuery> queries() {
        synchronized (queries) {
            return List.copyOf(queries.values());
        }
    }

    /** Every record of the log that the query matches, as of {@code now}, in no particular order. */
    List<GraphAuditRecord> search(GraphAuditQuery query, Instant now) {
        Map<String, GraphAuditRecord> byId = new HashMap<>();
        for (StoredBlob b : content.storedBlobs()) {
            if (!b.inAuditLog() || b.created().isAfter(now)) {
                continue;
            }
            for (GraphAuditRecord r : recordsByBlob.computeIfAbsent(b.id(), id -> auditLogRecords(b))) {
                if (query.matches(r)) {
                    byId.putIfAbsent(r.id(), r);
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    private List<GraphAuditRecord> auditLogRecords(StoredBlob b) {
        List<GraphAuditRecord> out = new ArrayList<>();
        for (String record : b.records()) {
            GraphAuditRecord r = GraphAuditRecord.of(record, mapper);
            if (r != null) {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------ permission and faults

    boolean permissionGranted() {
        return !permissionWithheld;
    }

    void withholdPermission(boolean withheld) {
        this.permissionWithheld = withheld;
    }

    /** The next {@code count} queries created end failed (replaces what was pending). */
    void failNextQueries(int count) {
        failuresPending.set(requireNonNegative(count));
    }

    /** Whether the query being created is to fail: uses up one pending failure. */
    boolean takeFailure() {
        return failuresPending.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** The next {@code count} Graph requests answer 429 (replaces what was pending). */
    void throttleNextRequests(int count) {
        throttlesPending.set(requireNonNegative(count));
    }

    /** Whether the request arriving now is to be throttled: uses up one pending throttle and counts it. */
    boolean takeThrottle() {
        boolean throttle = throttlesPending.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        if (throttle) {
            throttled.incrementAndGet();
        }
        return throttle;
    }

    // ------------------------------------------------------------------ counters

    int queryCount() {
        synchronized (queries) {
            return queries.size();
        }
    }

    List<GraphQueryWindow> windows() {
        synchronized (windows) {
            return List.copyOf(windows);
        }
    }

    private static int requireNonNegative(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        return count;
    }
}
