package io.github.o365auditcamel.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.state.Gap;

/**
 * A time range of one content type read through Microsoft Graph's audit log queries one stretch at a time, for a gap
 * repair ({@link GapRepairs}) or a replay ({@link Replays}): a stretch is one query. A stretch whose query matched
 * more records than its limit is halved and asked again; after one that went well the next is twice as long, up to a
 * day. Stretches are whole seconds, as {@code CreationTime} is served, so that a stretch's bounds are exactly those of
 * the records it holds.
 */
final class GraphStretches {

    static final Duration LONGEST = Duration.ofDays(1);
    static final Duration SHORTEST = Duration.ofSeconds(1);
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration LONGEST_STATUS_PAUSE = Duration.ofSeconds(30);

    /** by job (a gap or a replay and its content type): the length of its next stretch */
    private final Map<String, Duration> lengths = new ConcurrentHashMap<>();
    private final Clock clock;

    GraphStretches(Clock clock) {
        this.clock = clock;
    }

    /** The end of the job's next stretch from {@code start}, no later than {@code to}. */
    Instant end(String job, Instant start, Instant to) {
        Instant end = start.plus(lengths.getOrDefault(job, LONGEST));
        return end.isAfter(to) ? to : end;
    }

    /** The job's current stretch length. */
    Duration length(String job) {
        return lengths.getOrDefault(job, LONGEST);
    }

    /**
     * Runs the query of {@code [start, end)} until it ended. Returns it when it succeeded within its limit, or matched
     * more in a stretch of one second (which cannot be halved); null when it matched more and the stretch was halved.
     *
     * @throws GraphQueryException when the query failed, was cancelled or did not end within half an hour
     */
    GraphAuditQueries.Query query(GraphAuditQueries graph, String job, String name, String contentType,
            Instant start, Instant end, int limit) throws InterruptedException {
        String id = graph.create(name, start, end, RecordContentTypes.graphFilters(contentType), limit);
        GraphAuditQueries.Query query = await(graph, id);
        if (query.failed()) {
            throw new GraphQueryException("the audit log query of " + start + " to " + end + " ended "
                    + query.status(), -1);
        }
        if (query.limitExceeded() && Duration.between(start, end).compareTo(SHORTEST) > 0) {
            Duration half = Duration.ofSeconds(Duration.between(start, end).getSeconds() / 2);
            lengths.put(job, half.compareTo(SHORTEST) < 0 ? SHORTEST : half);
            return null;
        }
        return query;
    }

    /** After a stretch that went well: the next may be twice as long. */
    void wentWell(String job) {
        Duration twice = length(job).multipliedBy(2);
        lengths.put(job, twice.compareTo(LONGEST) > 0 ? LONGEST : twice);
    }

    void forget(String job) {
        lengths.remove(job);
    }

    /**
     * Hands over every record of the succeeded query that the content type serves and that was created in
     * {@code [start, end)}, page by page.
     */
    static void records(GraphAuditQueries graph, String queryId, String contentType, Instant start, Instant end,
            Consumer<AuditRecord> each) {
        Predicate<String> inStretch = Gap.owner(List.of(new Gap(contentType, start, end, start, end, 0)));
        GraphAuditQueries.Page page = graph.firstPage(queryId);
        while (true) {
            for (JsonNode entry : page.records()) {
                AuditRecord record = GraphRecords.of(entry);
                if (record != null && inStretch.test(record.creationTime())
                        && RecordContentTypes.of(record.recordType()).equals(contentType)) {
                    each.accept(record);
                }
            }
            if (page.nextLink() == null) {
                return;
            }
            page = graph.page(page.nextLink());
        }
    }

    /** Reads the query's status until it ended, waiting a little longer each time, for at most half an hour. */
    private GraphAuditQueries.Query await(GraphAuditQueries graph, String id) throws InterruptedException {
        Instant deadline = clock.instant().plus(QUERY_TIMEOUT);
        Duration pause = Duration.ofMillis(200);
        while (true) {
            GraphAuditQueries.Query query = graph.get(id);
            if (query.succeeded() || query.failed()) {
                return query;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new GraphQueryException("the audit log query " + id + " did not end within "
                        + QUERY_TIMEOUT.toMinutes() + " minutes", -1);
            }
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(LONGEST_STATUS_PAUSE) > 0 ? LONGEST_STATUS_PAUSE
                    : pause.multipliedBy(2);
        }
    }
}
