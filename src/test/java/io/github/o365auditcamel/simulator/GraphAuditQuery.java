package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One Microsoft Graph audit log query of a tenant: what it asked for, its status as its status GETs move it
 * ({@code notStarted} when created, {@code running}, then {@code succeeded} or {@code failed} at the GET that finds it
 * done: see {@link SimulatorBuilder#graphQueryPollsUntilDone}), and once succeeded the records it returns: the first
 * {@link #limit} of those that matched, by CreationTime then Id. Thread-safe.
 */
final class GraphAuditQuery {

    /** The statuses of Graph's auditLogQueryStatus this simulator uses. */
    enum Status {
        NOT_STARTED("notStarted"), RUNNING("running"), SUCCEEDED("succeeded"), FAILED("failed");

        final String graphName;

        Status(String graphName) {
            this.graphName = graphName;
        }
    }

    final String id;
    final String displayName;
    final Instant start;
    final Instant end;
    /** auditLogRecordType names; empty = every type. */
    final List<String> recordTypeFilters;
    /** Workloads (case-insensitive); empty = every service. */
    final List<String> serviceFilters;
    /** The request's recordCountLimit, or null when it set none. */
    final Long requestedLimit;
    /** The most records it returns: the request's limit or the simulator's, whichever is smaller. */
    final int limit;
    /** Set at creation by {@link SimulatedTenant#failNextGraphQueries}: ends failed instead of succeeded. */
    private final boolean fails;

    private int polls;                       // guarded by this
    private Status status = Status.NOT_STARTED; // guarded by this
    private List<GraphAuditRecord> records;  // guarded by this; set once succeeded
    private boolean limitExceeded;           // guarded by this

    GraphAuditQuery(String id, String displayName, Instant start, Instant end, List<String> recordTypeFilters,
                    List<String> serviceFilters, Long requestedLimit, int simulatorLimit, boolean fails) {
        this.id = id;
        this.displayName = displayName;
        this.start = start;
        this.end = end;
        this.recordTypeFilters = List.copyOf(recordTypeFilters);
        this.serviceFilters = List.copyOf(serviceFilters);
        this.requestedLimit = requestedLimit;
        this.limit = requestedLimit == null ? simulatorLimit : (int) Math.min(requestedLimit, simulatorLimit);
        this.fails = fails;
    }

    /**
     * A status GET: the query runs until the {@code pollsUntilDone}-th, which finds it done; when it succeeds then,
     * {@code search} gives every record it matches (in any order), of which it keeps the first {@link #limit}.
     */
    synchronized Status poll(int pollsUntilDone, Supplier<List<GraphAuditRecord>> search) {
        polls++;
        if (status == Status.NOT_STARTED || status == Status.RUNNING) {
            if (polls < pollsUntilDone) {
                status = Status.RUNNING;
            } else if (fails) {
                status = Status.FAILED;
            } else {
                List<GraphAuditRecord> matched = new ArrayList<>(search.get());
                matched.sort(GraphAuditRecord.BY_CREATED);
                limitExceeded = matched.size() > limit;
                records = List.copyOf(matched.subList(0, Math.min(limit, matched.size())));
                status = Status.SUCCEEDED;
            }
        }
        return status;
    }

    synchronized Status status() {
        return status;
    }

    /** The records it returns, in order; null unless it succeeded. */
    synchronized List<GraphAuditRecord> records() {
        return records;
    }

    /** Whether a record falls in its window and matches its record type and service filters. */
    boolean matches(GraphAuditRecord r) {
        return !r.created().isBefore(start) && r.created().isBefore(end)
                && (recordTypeFilters.isEmpty() || recordTypeFilters.contains(r.recordType()))
                && (serviceFilters.isEmpty() || r.service() != null
                && serviceFilters.stream().anyMatch(s -> s.equalsIgnoreCase(r.service())));
    }

    /** The auditLogQuery as Graph serves it, without {@code @odata.context}. */
    synchronized ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode q = mapper.createObjectNode();
        q.put("id", id);
        q.put("displayName", displayName);
        q.put("filterStartDateTime", start.toString());
        q.put("filterEndDateTime", end.toString());
        recordTypeFilters.forEach(q.putArray("recordTypeFilters")::add);
        q.putNull("keywordFilter");
        serviceFilters.forEach(q.putArray("serviceFilters")::add);
        for (String unused : List.of("operationFilters", "userPrincipalNameFilters", "ipAddressFilters",
                "objectIdFilters", "administrativeUnitIdFilters")) {
            q.putArray(unused);
        }
        q.put("status", status.graphName);
        q.put("recordCountLimit", requestedLimit != null ? requestedLimit : limit);
        q.put("isRecordCountLimitExceeded", limitExceeded);
        if (records != null) {
            q.put("approximateReturnedRecordCount", records.size());
        } else {
            q.putNull("approximateReturnedRecordCount");
        }
        return q;
    }

    @Override
    public String toString() {
        return "audit log query " + id + " [" + start + ", " + end + ") " + status.name().toLowerCase(Locale.ROOT);
    }
}
