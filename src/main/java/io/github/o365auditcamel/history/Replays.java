package io.github.o365auditcamel.history;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.listing.ListingWindow;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.publish.AuditRecordHeaders;
import io.github.o365auditcamel.publish.TransactionalProducers;
import io.github.o365auditcamel.routes.ExchangeVariables;
import io.github.o365auditcamel.state.Gap;
import io.github.o365auditcamel.state.Replay;
import io.github.o365auditcamel.state.TenantState;
import io.github.o365auditcamel.tenancy.Tenant;
import io.github.o365auditcamel.tenancy.Tenants;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the replays operators ask for with {@code bin/replay} (route {@code run-replays}), on the instance that lists
 * the replay's tenant, while collection goes on. Per content type, the records created before the Management API's
 * reach come from Microsoft Graph, one query per stretch ({@link GraphStretches}); the others from the Management
 * API, one hour of blobs at a time, each blob fetched through the routes' API call (token, request budget, retries).
 * Every blob's or stretch's records go to the named topic (or the record topics) in one Kafka transaction with the
 * replay's progress, marked {@code o365.replay=<id>}: a replay publishes each record once, whatever restarts or
 * leader changes come in between. A replay cancelled ({@code bin/replay --cancel}) stops before its next blob or
 * stretch.
 */
public class Replays extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);
    private static final Logger PROGRESS = LoggerFactory.getLogger("progress");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The Management API's part starts this far inside what it keeps, so that a slow clock does not lose it. */
    static final Duration API_MARGIN = Duration.ofHours(1);
    /** Records are in blobs made available up to this long after they were created. */
    static final Duration LATE_BLOBS = Duration.ofHours(24);
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final long TURN_SECONDS = 30;
    private static final int MAX_PAGES = 1000;
    private static final String READER = ExchangeVariables.REPLAY_RESPONSE_READER;
    private static final Duration FAILED_PAUSE = Duration.ofMinutes(1);

    /** A replay to run: its tenant (by name) and id. */
    public record Task(String tenant, String id) {
        String key() {
            return tenant + "|" + id;
        }
    }

    private final Tenants tenants;
    private final Predicate<String> lists;
    private final TransactionalProducers producers;
    private final BlobRecordStreamer streamer;
    private final Clock clock;
    private final GraphStretches stretches;
    private final Map<String, KafkaProducer<String, byte[]>> open = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();
    private final CamelContext context;
    private ProducerTemplate api;

    public Replays(Tenants tenants, Predicate<String> lists, TransactionalProducers producers,
            BlobRecordStreamer streamer, CamelContext context, Clock clock) {
        this.tenants = tenants;
        this.lists = lists;
        this.producers = producers;
        this.streamer = streamer;
        this.clock = clock;
        this.stretches = new GraphStretches(clock);
        this.context = context;
    }

    /** The replays not ended yet of the tenants this instance lists. */
    public List<Task> due() {
        Instant now = clock.instant();
        List<Task> due = new ArrayList<>();
        for (Tenant tenant : tenants.all()) {
            boolean here = lists.test(tenant.name());
            for (Replay replay : tenant.stateStore().replays()) {
                Task task = new Task(tenant.name(), replay.id());
                Instant paused = pausedUntil.get(task.key());
                if (!here || replay.finished()) {
                    close(task.key());
                } else if (paused == null || !now.isBefore(paused)) {
                    due.add(task);
                }
            }
        }
        return due;
    }

    /** Runs the replay for up to {@value #TURN_SECONDS} s, a blob or a stretch at a time; then others have a turn. */
    public void run(Task task) throws Exception {
        Tenant tenant = tenants.get(task.tenant());
        TenantState state = tenant.stateStore();
        open.computeIfAbsent(task.key(), key -> producers.createShared("replay." + tenant.settings().tenantId()
                + "." + task.id()));
        // after the producer fenced any other: what was committed before is all there is
        state.catchUp();
        long turnEnds = System.nanoTime() + Duration.ofSeconds(TURN_SECONDS).toNanos();
        try {
            while (System.nanoTime() - turnEnds < 0 && lists.test(task.tenant())) {
                Replay replay = current(state, task);
                if (replay == null || replay.finished()) {
                    close(task.key());
                    return;
                }
                if (state.replayCancelled(replay.id())) {
                    end(tenant, replay, Replay.CANCELLED);
                    return;
                }
                String contentType = next(replay);
                if (contentType == null) {
                    end(tenant, replay, Replay.DONE);
                    return;
                }
                step(tenant, replay, contentType);
            }
        } catch (Exception | Error e) {
            pausedUntil.put(task.key(), clock.instant().plus(FAILED_PAUSE));
            if (e instanceof KafkaException) {
                close(task.key());
            }
            throw e;
        }
    }

    /** The first content type with something left to replay; null when none has. */
    private String next(Replay replay) {
        Instant listEnd = listEnd(replay);
        for (String type : replay.contentTypes()) {
            Replay.Progress p = replay.progress().get(type);
            if (p == null || p.graphTo().isBefore(p.apiFrom()) || p.listedTo().isBefore(listEnd)) {
                return type;
            }
        }
        return null;
    }

    /** The Management API's blobs are listed up to a day after the range, or now. */
    private Instant listEnd(Replay replay) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = replay.to().plus(LATE_BLOBS);
        return end.isAfter(now) ? now : end;
    }

    private void step(Tenant tenant, Replay replay, String contentType) throws Exception {
        Replay.Progress progress = replay.progress().get(contentType);
        if (progress == null) {
            // where Graph hands over to the Management API, fixed once
            Instant reach = ListingWindows.oldestRetrievable(clock.instant()).plus(API_MARGIN)
                    .truncatedTo(ChronoUnit.SECONDS);
            Instant apiFrom = replay.from().isAfter(reach) ? replay.from() : reach;
            apiFrom = apiFrom.isAfter(replay.to()) ? replay.to() : apiFrom;
            // a range wholly older than the Management API keeps has no part of it to list
            Instant listFrom = apiFrom.equals(replay.to()) ? replay.to().plus(LATE_BLOBS) : apiFrom;
            progress = new Replay.Progress(apiFrom, replay.from(), listFrom, List.of(), 0);
        }
        // the Management API's part first: what it keeps moves on every hour, what Graph keeps does not
        if (progress.listedTo().isBefore(listEnd(replay))) {
            apiWindow(tenant, replay, contentType, progress);
        } else {
            graphStretch(tenant, replay, contentType, progress);
        }
    }

    private void graphStretch(Tenant tenant, Replay replay, String contentType, Replay.Progress progress)
            throws Exception {
        GraphAuditQueries graph = tenant.graphQueries();
        if (graph == null) {
            throw new GraphQueryException("replay " + replay.id() + ": records created before "
                    + progress.apiFrom() + " are only in Microsoft Graph; set O365_GAP_REPAIR=graph for tenant "
                    + tenant.name() + " (permission AuditLogsQuery.Read.All)", -1);
        }
        String job = replay.id() + "|" + contentType;
        Instant start = progress.graphTo();
        Instant end = stretches.end(job, start, progress.apiFrom());
        GraphAuditQueries.Query query = stretches.query(graph, job, "o365-audit-camel replay " + replay.id() + " "
                + contentType, contentType, start, end, tenant.settings().gapRepair().queryLimit());
        if (query == null) {
            return;
        }
        KafkaProducer<String, byte[]> producer = open.get(tenant.name() + "|" + replay.id());
        Set<String> sent = new HashSet<>();
        List<Header> headers = headers(tenant, replay, contentType, "graph");
        transaction(tenant, replay, producer, () -> {
            GraphStretches.records(graph, query.id(), contentType, start, end, record -> {
                if (sent.add(record.id())) {
                    producer.send(record(tenant, replay, contentType, record, headers));
                }
            });
            return replay.with(contentType, progress.graphUpTo(end, sent.size()));
        });
        stretches.wentWell(job);
        report(tenant, replay, contentType, "created from " + start + " to " + end + " (Microsoft Graph)",
                sent.size());
    }

    private void apiWindow(Tenant tenant, Replay replay, String contentType, Replay.Progress progress)
            throws Exception {
        Instant listEnd = listEnd(replay);
        Instant start = progress.listedTo();
        Instant end = start.plus(WINDOW).isAfter(listEnd) ? listEnd : start.plus(WINDOW);
        Predicate<String> inRange = Gap.owner(List.of(new Gap(contentType, progress.apiFrom(), replay.to(),
                progress.apiFrom(), replay.to(), 0)));
        KafkaProducer<String, byte[]> producer = open.get(tenant.name() + "|" + replay.id());
        List<Header> headers = headers(tenant, replay, contentType, "management-api");
        String page = tenant.api().contentListUri(contentType, new ListingWindow(start, end));
        Replay.Progress at = progress;
        Set<String> pages = new HashSet<>();
        while (page != null) {
            // a listing that sends the replay round in circles fails it, saying so, instead of running for ever
            if (!pages.add(page) || pages.size() > MAX_PAGES) {
                throw new ManagementApi.ListingLoopException("replay " + replay.id() + ": the listing of " + start
                        + " to " + end + " repeats a page or has more than " + MAX_PAGES + " pages");
            }
            List<JsonNode> entries = new ArrayList<>();
            String[] next = {null};
            call(tenant, contentType, page, listed -> {
                try (InputStream body = listed.getMessage().getMandatoryBody(InputStream.class)) {
                    JSON.readTree(body).forEach(entries::add);
                }
                next[0] = tenant.api().nextPageUri(listed);
            });
            page = next[0];
            for (JsonNode entry : entries) {
                String contentId = entry.path("contentId").asText("");
                String contentUri = entry.path("contentUri").asText("");
                if (contentId.isEmpty() || contentUri.isEmpty() || at.blobs().contains(contentId)) {
                    continue;
                }
                Replay current = current(tenant.stateStore(), new Task(tenant.name(), replay.id()));
                if (current == null || tenant.stateStore().replayCancelled(replay.id())) {
                    return;
                }
                Replay.Progress before = at;
                Replay[] done = {null};
                // read while the response is open, inside the API call's route: a retry starts over with a new GET
                call(tenant, contentType, contentUri, blob -> {
                    long[] published = {0};
                    try (InputStream body = blob.getMessage().getMandatoryBody(InputStream.class);
                            BlobRecordStreamer.RecordIterator records = streamer.records(body)) {
                        done[0] = transaction(tenant, current, producer, () -> {
                            while (records.hasNext()) {
                                AuditRecord record = records.next();
                                if (!record.isOversized() && inRange.test(record.creationTime())) {
                                    producer.send(record(tenant, replay, contentType, record, headers));
                                    published[0]++;
                                }
                            }
                            return current.with(contentType, before.blobHandled(contentId, published[0]));
                        });
                    }
                });
                at = done[0].progress().get(contentType);
            }
        }
        Replay current = current(tenant.stateStore(), new Task(tenant.name(), replay.id()));
        Replay.Progress listed = at.listedUpTo(end);
        transaction(tenant, current, producer, () -> current.with(contentType, listed));
        report(tenant, current, contentType, "in blobs made available from " + start + " to " + end
                + " (Management API)", listed.records() - progress.records());
    }

    /** What reads an API call's response, while it is open. */
    interface ResponseReader {
        void read(Exchange response) throws Exception;
    }

    /**
     * One Management API call through the routes (token, request budget, retries with back-off), its response read by
     * {@code reader} in the route ({@link #read}), before the response is closed.
     */
    private void call(Tenant tenant, String contentType, String uri, ResponseReader reader) throws Exception {
        synchronized (this) {
            if (api == null) {
                api = context.createProducerTemplate();
            }
        }
        Exchange exchange = api.send("direct:replay-api-call", e -> {
            e.setVariable(ExchangeVariables.TENANT, tenant.name());
            e.setVariable(ExchangeVariables.CONTENT_TYPE, contentType);
            e.setVariable(ExchangeVariables.API_METHOD, "GET");
            e.setVariable(ExchangeVariables.API_URI, uri);
            e.setVariable(READER, reader);
        });
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }

    /** Route {@code replay-api-read}: the response, read by the replay that asked for it. */
    public void read(Exchange response) throws Exception {
        response.getVariable(READER, ResponseReader.class).read(response);
    }

    /** A unit of work whose records and the replay's new progress are one transaction; returns that progress. */
    private interface Work {
        Replay publish() throws Exception;
    }

    private Replay transaction(Tenant tenant, Replay replay, KafkaProducer<String, byte[]> producer, Work work)
            throws Exception {
        producer.beginTransaction();
        Replay next;
        try {
            next = work.publish();
            producer.send(tenant.stateStore().replayMarker(next));
            producer.commitTransaction();
        } catch (KafkaException e) {
            throw e;
        } catch (Exception | Error e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                close(tenant.name() + "|" + replay.id());
            }
            throw e;
        }
        tenant.stateStore().rememberReplay(next);
        tenant.metrics().recordsReplayed(next.records() - replay.records());
        return next;
    }

    private void end(Tenant tenant, Replay replay, String how) throws Exception {
        KafkaProducer<String, byte[]> producer = open.get(tenant.name() + "|" + replay.id());
        Replay ended = replay.ended(how);
        transaction(tenant, replay, producer, () -> ended);
        PROGRESS.info("{} replay {}: {}: {} records published to {}", tenant.name(), replay.id(), how,
                ended.records(), replay.topic() == null ? "the record topics" : replay.topic());
        close(tenant.name() + "|" + replay.id());
    }

    private void report(Tenant tenant, Replay replay, String contentType, String what, long records) {
        Replay now = current(tenant.stateStore(), new Task(tenant.name(), replay.id()));
        PROGRESS.info("{} replay {} {}: {} records created from {} to {} {}; {} in all", tenant.name(), replay.id(),
                contentType, records, replay.from(), replay.to(), what, now == null ? "?" : now.records());
    }

    private static Replay current(TenantState state, Task task) {
        return state.replays().stream().filter(r -> r.id().equals(task.id())).findFirst().orElse(null);
    }

    private static ProducerRecord<String, byte[]> record(Tenant tenant, Replay replay, String contentType,
            AuditRecord record, List<Header> headers) {
        CollectorSettings settings = tenant.settings();
        String topic = replay.topic();
        if (topic == null) {
            String routed = settings.routingRules().isEmpty() ? null : settings.routingRules().topicFor(record);
            topic = routed == null ? settings.topicFor(contentType) : routed;
        }
        return new ProducerRecord<>(topic, null, record.id(), record.json(), AuditRecordHeaders.of(record, headers));
    }

    private static List<Header> headers(Tenant tenant, Replay replay, String contentType, String source) {
        return AuditRecordHeaders.ofSource(tenant.settings(), contentType, "o365.source", source, "o365.replay",
                replay.id());
    }

    private void close(String key) {
        KafkaProducer<String, byte[]> producer = open.remove(key);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    protected void doStart() {
        // producers are made when a replay runs
    }

    @Override
    protected void doStop() throws Exception {
        List.copyOf(open.keySet()).forEach(this::close);
        if (api != null) {
            api.stop();
        }
    }
}
