package io.github.o365auditcamel.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.publish.AuditRecordHeaders;
import io.github.o365auditcamel.publish.TransactionalProducers;
import io.github.o365auditcamel.state.Gap;
import io.github.o365auditcamel.state.TenantState;
import io.github.o365auditcamel.tenancy.Tenant;
import io.github.o365auditcamel.tenancy.Tenants;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the gaps older than the service keeps content (route {@code repair-gaps}), on the instance that lists the
 * gap's tenant: one Microsoft Graph audit log query at a time, oldest stretch first. A stretch is one query; its records
 * and the gap's new progress are published in one Kafka transaction, so a crash mid-stretch publishes nothing of it and
 * the stretch is queried again. A stretch whose query matched more records than its limit is halved and queried again;
 * one that went well lets the next be twice as long, up to a day.
 * <p>
 * A record is published once: those of the gap published before the stop are read back from Kafka first
 * ({@link PublishedRecordIds}), blobs fetched after the gap was found leave the gap's records to Graph
 * ({@link Gap#owner}), and a record Graph returns twice is sent once. The producer's transactional id names the tenant
 * and content type, the same on every instance: an instance that takes a tenant's listing over fences the one that had
 * it, whose stretch then publishes nothing.
 */
public class GapRepairs extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GapRepairs.class);
    private static final Duration FAILED_QUERY_PAUSE = Duration.ofMinutes(1);
    /** How long one gap's repair goes on before the others have their turn. */
    static final long TURN_SECONDS = 30;

    /** A gap to repair: its tenant (by name), content type and start. */
    public record Task(String tenant, String contentType, Instant from) {
        String key() {
            return tenant + "|" + contentType + "|" + from;
        }
    }

    private final Tenants tenants;
    private final Predicate<String> lists;
    private final TransactionalProducers producers;
    private final KafkaClientSettings kafka;
    private final Clock clock;
    private final Map<String, KafkaProducer<String, byte[]>> open = new ConcurrentHashMap<>();
    private final GraphStretches stretches;
    private final Map<String, Set<String>> publishedBefore = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

    /** @param lists whether this instance lists the tenant (by name) now */
    public GapRepairs(Tenants tenants, Predicate<String> lists, TransactionalProducers producers,
            KafkaClientSettings kafka, Clock clock) {
        this.tenants = tenants;
        this.lists = lists;
        this.producers = producers;
        this.kafka = kafka;
        this.clock = clock;
        this.stretches = new GraphStretches(clock);
    }

    /** The gaps not repaired yet of the tenants this instance lists, whose repair is on and not paused. */
    public List<Task> due() {
        Instant now = clock.instant();
        List<Task> due = new ArrayList<>();
        for (Tenant tenant : tenants.all()) {
            if (!tenant.settings().gapRepair().enabled() || !lists.test(tenant.name())) {
                // another instance lists it now (or it repairs no gaps): its producers are that instance's to make
                List.copyOf(open.keySet()).stream().filter(key -> key.startsWith(tenant.name() + "|"))
                        .forEach(key -> closeProducer(key));
                continue;
            }
            for (String contentType : tenant.settings().contentTypes()) {
                for (Gap gap : tenant.stateStore().gaps(contentType)) {
                    Task task = new Task(tenant.name(), contentType, gap.from());
                    Instant paused = pausedUntil.get(task.key());
                    if (!gap.repaired() && (paused == null || !now.isBefore(paused))) {
                        due.add(task);
                    }
                }
            }
        }
        return due;
    }

    /**
     * Repairs the gap stretch by stretch, each one query whose records go in one transaction with the gap's progress,
     * for up to {@value #TURN_SECONDS} s; then the other gaps have their turn. A query that fails pauses the gap for a
     * minute, and the failure goes on to the route, which logs it.
     */
    public void repair(Task task) throws Exception {
        Tenant tenant = tenants.get(task.tenant());
        TenantState state = tenant.stateStore();
        KafkaProducer<String, byte[]> producer = producer(tenant, task);
        // after the producer fenced any other: what was committed before is all there is
        state.catchUp();
        long turnEnds = System.nanoTime() + Duration.ofSeconds(TURN_SECONDS).toNanos();
        while (true) {
            Gap gap = state.gaps(task.contentType()).stream().filter(g -> g.from().equals(task.from())).findFirst()
                    .orElse(null);
            if (gap == null || gap.repaired()) {
                finished(task);
                return;
            }
            if (System.nanoTime() - turnEnds > 0 || !lists.test(task.tenant())) {
                return;
            }
            try {
                repairStretch(tenant, task, gap, producer);
            } catch (GraphQueryException | KafkaException e) {
                pausedUntil.put(task.key(), clock.instant().plus(FAILED_QUERY_PAUSE));
                throw e;
            }
            producer = producer(tenant, task);
        }
    }

    private void repairStretch(Tenant tenant, Task task, Gap gap, KafkaProducer<String, byte[]> producer)
            throws Exception {
        CollectorSettings settings = tenant.settings();
        String contentType = task.contentType();
        Set<String> inKafka = publishedBefore.computeIfAbsent(task.key(), key -> PublishedRecordIds.of(kafka,
                topicsOf(settings, contentType), settings.tenantId(), gap));
        Instant start = gap.repairedTo();
        Instant end = stretches.end(task.key(), start, gap.to());
        int limit = settings.gapRepair().queryLimit();
        GraphAuditQueries.Query query;
        try {
            query = stretches.query(tenant.graphQueries(), task.key(), "o365-audit-camel gap repair " + tenant.name()
                    + " " + contentType + " " + start + " to " + end, contentType, start, end, limit);
        } catch (GraphQueryException e) {
            tenant.metrics().gapQuery(contentType, "failed");
            throw new GraphQueryException(tenant.name() + " " + contentType + ": " + e.getMessage()
                    + "; it is asked again in " + FAILED_QUERY_PAUSE.toMinutes() + " minute(s)", e.status());
        }
        if (query == null) {
            tenant.metrics().gapQuery(contentType, "split");
            LOG.info("{} {}: the audit log query of {} to {} matched more than {} records; asking for {} at a time",
                    tenant.name(), contentType, start, end, limit, stretches.length(task.key()));
            return;
        }
        if (query.limitExceeded()) {
            LOG.warn("{} {}: CONTENT MAY BE MISSING. The audit log query of the one second {} matched more than {}"
                    + " records; publishing the {} it returned", tenant.name(), contentType, start, limit,
                    query.approximateCount());
        }
        Published published = publish(tenant, task, gap, start, end, query.id(), inKafka, producer);
        Gap progress = gap.repairedTo(end, published.sent);
        tenant.stateStore().rememberGap(progress);
        tenant.metrics().gapQuery(contentType, "succeeded");
        tenant.metrics().gapRepaired(contentType, published.sent, published.inKafka);
        stretches.wentWell(task.key());
        double hours = Duration.between(gap.from(), gap.to()).toMinutes() / 60.0;
        double done = Duration.between(gap.from(), end).toMinutes() / 60.0;
        LOG.info("{} {}: gap repair through Microsoft Graph: {} records created from {} to {} published ({} already"
                + " in Kafka); {} of {} h repaired, {} records in all", tenant.name(), contentType, published.sent,
                start, end, published.inKafka, String.format("%.1f", done), String.format("%.1f", hours),
                progress.records());
        if (progress.repaired()) {
            LOG.info("{} {}: the gap {} to {} is repaired: {} records published through Microsoft Graph",
                    tenant.name(), contentType, gap.from(), gap.to(), progress.records());
            finished(task);
        }
    }

    private record Published(long sent, long inKafka) {
    }

    private Published publish(Tenant tenant, Task task, Gap gap, Instant start, Instant end, String queryId,
            Set<String> inKafka, KafkaProducer<String, byte[]> producer) {
        CollectorSettings settings = tenant.settings();
        String contentType = task.contentType();
        List<Header> headers = AuditRecordHeaders.ofSource(settings, contentType, "o365.source", "graph", "o365.gap",
                gap.from() + "/" + gap.to());
        String topic = settings.topicFor(contentType);
        Set<String> sent = new HashSet<>();
        long[] known = {0};
        producer.beginTransaction();
        try {
            GraphStretches.records(tenant.graphQueries(), queryId, contentType, start, end, record -> {
                if (inKafka.contains(record.id()) || !sent.add(record.id())) {
                    known[0]++;
                    return;
                }
                if (record.size() > settings.limits().maxRecordBytes()) {
                    LOG.warn("{} {}: record {} found through Graph is {} bytes, longer than O365_MAX_RECORD_BYTES;"
                            + " not published", tenant.name(), contentType, record.id(), record.size());
                    return;
                }
                String routed = settings.routingRules().isEmpty() ? null : settings.routingRules().topicFor(record);
                producer.send(new ProducerRecord<>(routed == null ? topic : routed, null, record.id(), record.json(),
                        AuditRecordHeaders.of(record, headers)));
            });
            producer.send(tenant.stateStore().gapMarker(gap.repairedTo(end, sent.size())));
            producer.commitTransaction();
        } catch (KafkaException e) {
            // the transaction's fate is unknown, or another instance fenced this one: a new producer next time
            closeProducer(task);
            throw e;
        } catch (RuntimeException | Error e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                closeProducer(task);
            }
            throw e;
        }
        return new Published(sent.size(), known[0]);
    }

    /** The topics where the content type's records may have gone: its own, and the routing rules'. */
    private static List<String> topicsOf(CollectorSettings settings, String contentType) {
        List<String> topics = new ArrayList<>();
        topics.add(settings.topicFor(contentType));
        settings.routingRules().topics().stream().filter(t -> !topics.contains(t)).forEach(topics::add);
        return topics;
    }

    private KafkaProducer<String, byte[]> producer(Tenant tenant, Task task) {
        return open.computeIfAbsent(task.key(), key -> producers.createShared("gap." + tenant.settings().tenantId()
                + "." + task.contentType().toLowerCase(Locale.ROOT)));
    }

    private void finished(Task task) {
        closeProducer(task);
        stretches.forget(task.key());
        publishedBefore.remove(task.key());
        pausedUntil.remove(task.key());
    }

    private void closeProducer(Task task) {
        closeProducer(task.key());
    }

    private void closeProducer(String key) {
        KafkaProducer<String, byte[]> producer = open.remove(key);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    protected void doStart() {
        // producers are made when a gap is repaired
    }

    @Override
    protected void doStop() {
        List.copyOf(open.keySet()).forEach(key -> {
            KafkaProducer<String, byte[]> producer = open.remove(key);
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        });
    }
}
