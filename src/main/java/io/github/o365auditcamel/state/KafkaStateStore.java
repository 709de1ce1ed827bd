package io.github.o365auditcamel.state;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.ConsumerPositions;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.listing.ListingWindows;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's state, kept in a compacted Kafka topic so that any instance on any machine resumes where the last
 * one stopped: one listing cursor per tenant and content type, the blobs already handled (published, skipped or
 * dead-lettered; by tenant and contentId), and each blob dead-lettered after a transient failure and still waiting to
 * be fetched again ({@link PendingRetry}: where the retries come from).
 * <p>
 * One store per instance, whatever the number of tenants: one reader, one admin client and one producer. Every key
 * names its tenant ({@code cursor|<tenant id>|<content type>}, {@code done|<tenant id>|<contentId>},
 * {@code retry|<tenant id>|<contentId>}, {@code start|<tenant id>|requested}, and the gaps repaired through Graph,
 * {@code gap|<tenant id>|<content type>@<from>}, the replays an operator asked for and cancelled,
 * {@code replay|<tenant id>|<id>} and {@code cancel|<tenant id>|<id>}); each tenant sees its own entries through its {@link TenantState}.
 * <p>
 * Several instances share it: the listing leader moves the cursors, and every instance's fetchers mark blobs handled.
 * So before each answer the store reads what others wrote since ({@link #catchUp}): up to the topic's end as it was
 * when asked, waiting for transactions open at that moment to settle (markers are written last in their transaction,
 * just before its commit, so that wait is short; one left open by an instance that died lasts at most the
 * transaction timeout). A leader that takes over thus starts from its predecessor's cursor, and a fetcher that takes
 * over a partition of content references sees every blob its predecessor finished.
 * Blobs created longer ago than the service keeps content can never be listed again, so their entries are deleted.
 */
public class KafkaStateStore extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStateStore.class);
    private static final Duration DONE_KEPT = ListingWindows.RETENTION.plusDays(1);
    private static final long WRITE_TIMEOUT_SECONDS = 60;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final String topic;
    private final KafkaClientSettings kafka;
    private final Duration settleTimeout;
    private final Clock clock;
    private final Map<String, Instant> cursors = new ConcurrentHashMap<>();
    private final Map<String, Instant> doneBlobs = new ConcurrentHashMap<>();
    /** {@link System#nanoTime} when the last completed catch-up asked for the topic's end (guarded by this) */
    private long lastCatchUpBegan = System.nanoTime() - Long.MAX_VALUE / 2;
    private final Map<String, PendingRetry> pendingRetries = new ConcurrentHashMap<>();
    private final Map<String, Instant> subscriptionStarts = new ConcurrentHashMap<>();
    /** by key ({@code gap|<tenant id>|<content type>@<from>}): the gaps found, repaired or not */
    private final Map<String, Gap> gaps = new ConcurrentHashMap<>();
    /** by key ({@code replay|<tenant id>|<id>}): the replays asked for, and their progress */
    private final Map<String, Replay> replays = new ConcurrentHashMap<>();
    /** the keys ({@code cancel|<tenant id>|<id>}) of the replays an operator cancelled */
    private final Set<String> cancels = ConcurrentHashMap.newKeySet();
    /** by tenant id: the Kafka timestamp of its last checkpoint or handled-blob marker read from the topic */
    private final Map<String, Long> lastMarked = new ConcurrentHashMap<>();
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> reader;
    private Admin admin;
    private List<TopicPartition> partitions;
    private volatile Instant lastPruned;

    /** @param settings the deployment's settings (the state topic and the transaction timeout are everyone's) */
    public KafkaStateStore(CollectorSettings settings, KafkaClientSettings kafka) {
        this(settings.stateTopic(), kafka, settings.kafkaTransactionTimeout().plusSeconds(30), Clock.systemUTC());
    }

    public KafkaStateStore(String topic, KafkaClientSettings kafka, Duration settleTimeout, Clock clock) {
        this.topic = topic;
        this.kafka = kafka;
        this.settleTimeout = settleTimeout;
        this.clock = clock;
    }

    @Override
    protected void doStart() throws Exception {
        reader = kafka.metered(new KafkaConsumer<>(kafka.consumer(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-state-reader")),
                new StringDeserializer(), new StringDeserializer()));
        admin = Admin.create(kafka.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-state-admin")));
        partitions = reader.partitionsFor(topic, Duration.ofSeconds(WRITE_TIMEOUT_SECONDS)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        catchUp();
        producer = kafka.metered(new KafkaProducer<>(kafka.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-state")),
                new StringSerializer(), new StringSerializer()));
        pruneDoneBlobs();
        LOG.info("State topic {}: {} cursors, {} handled blobs and {} dead-lettered blobs awaiting a retry loaded",
                topic, cursors.size(), doneBlobs.size(), pendingRetries.size());
    }

    @Override
    protected void doStop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
        synchronized (this) {
            if (reader != null) {
                reader.close(Duration.ofSeconds(5));
                reader = null;
            }
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    /** The state of one tenant. */
    public TenantState of(String tenantId) {
        return new TenantState(this, tenantId);
    }

    // what each tenant's TenantState asks, its tenant id first (see there)

    Optional<Instant> cursor(String tenantId, String contentType) {
        catchUp();
        return Optional.ofNullable(cursors.get(cursorKey(tenantId, contentType)));
    }

    Optional<Instant> knownCursor(String tenantId, String contentType) {
        return Optional.ofNullable(cursors.get(cursorKey(tenantId, contentType)));
    }

    void advance(String tenantId, String contentType, Instant to) {
        String key = cursorKey(tenantId, contentType);
        Instant current = cursors.get(key);
        if (current != null && !to.isAfter(current)) {
            return;
        }
        write(key, to.toString());
        cursors.put(key, to);
        pruneDoneBlobs();
    }

    boolean isPublished(String tenantId, String contentId) {
        catchUp();
        return doneBlobs.containsKey(doneKey(tenantId, contentId));
    }

    boolean knownPublished(String tenantId, String contentId) {
        return doneBlobs.containsKey(doneKey(tenantId, contentId));
    }

    boolean forgetPublished(String tenantId, String contentId) {
        return doneBlobs.remove(doneKey(tenantId, contentId)) != null;
    }

    ProducerRecord<String, byte[]> publishedMarker(String tenantId, String contentId, Instant contentCreated) {
        Instant created = contentCreated == null ? clock.instant() : contentCreated;
        return new ProducerRecord<>(topic, doneKey(tenantId, contentId),
                created.toString().getBytes(StandardCharsets.UTF_8));
    }

    void rememberPublished(String tenantId, String contentId, Instant contentCreated) {
        doneBlobs.put(doneKey(tenantId, contentId), contentCreated == null ? clock.instant() : contentCreated);
    }

    Integer pendingRetry(String tenantId, String contentId) {
        catchUp();
        return knownPendingRetry(tenantId, contentId);
    }

    Integer knownPendingRetry(String tenantId, String contentId) {
        PendingRetry retry = pendingRetries.get(retryKey(tenantId, contentId));
        return retry == null ? null : retry.count();
    }

    ProducerRecord<String, byte[]> retryMarker(String tenantId, String contentId, PendingRetry retry) {
        return new ProducerRecord<>(topic, retryKey(tenantId, contentId),
                retry == null ? null : retry.toJson().getBytes(StandardCharsets.UTF_8));
    }

    void rememberRetry(String tenantId, String contentId, PendingRetry retry) {
        if (retry == null) {
            pendingRetries.remove(retryKey(tenantId, contentId));
        } else {
            pendingRetries.put(retryKey(tenantId, contentId), retry);
        }
    }

    Optional<Instant> lastSubscriptionStart(String tenantId) {
        catchUp();
        return Optional.ofNullable(subscriptionStarts.get(subscriptionStartKey(tenantId)));
    }

    void recordSubscriptionStart(String tenantId, Instant at) {
        String key = subscriptionStartKey(tenantId);
        write(key, at.toString());
        subscriptionStarts.put(key, at);
    }

    List<Gap> gaps(String tenantId, String contentType) {
        String prefix = "gap|" + tenantId + "|" + contentType + "@";
        List<Gap> of = new ArrayList<>();
        gaps.forEach((key, gap) -> {
            if (key.startsWith(prefix)) {
                of.add(gap);
            }
        });
        return of;
    }

    void recordGap(String tenantId, Gap gap) {
        String key = gapKey(tenantId, gap);
        write(key, gap.toJson());
        gaps.put(key, gap);
    }

    ProducerRecord<String, byte[]> gapMarker(String tenantId, Gap gap) {
        return new ProducerRecord<>(topic, gapKey(tenantId, gap), gap.toJson().getBytes(StandardCharsets.UTF_8));
    }

    void rememberGap(String tenantId, Gap gap) {
        gaps.merge(gapKey(tenantId, gap), gap, KafkaStateStore::furthest);
    }

    /** A gap's progress only moves forward. */
    private static Gap furthest(Gap known, Gap read) {
        return read.repairedTo().isBefore(known.repairedTo()) ? known : read;
    }

    List<Replay> replays(String tenantId) {
        String prefix = "replay|" + tenantId + "|";
        List<Replay> of = new ArrayList<>();
        replays.forEach((key, replay) -> {
            if (key.startsWith(prefix)) {
                of.add(replay);
            }
        });
        return of;
    }

    ProducerRecord<String, byte[]> replayMarker(String tenantId, Replay replay) {
        return new ProducerRecord<>(topic, "replay|" + tenantId + "|" + replay.id(),
                replay.toJson().getBytes(StandardCharsets.UTF_8));
    }

    void rememberReplay(String tenantId, Replay replay) {
        replays.merge("replay|" + tenantId + "|" + replay.id(), replay, KafkaStateStore::furthest);
    }

    boolean replayCancelled(String tenantId, String id) {
        return cancels.contains("cancel|" + tenantId + "|" + id);
    }

    /** A replay progresses only forward. */
    private static Replay furthest(Replay known, Replay read) {
        return read.advance() < known.advance() ? known : read;
    }

    Optional<Instant> lastMarked(String tenantId) {
        Long at = lastMarked.get(tenantId);
        return at == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
    }

    /** A retry due, of the tenant with that id. */
    public record DueRetry(String tenantId, String contentId, PendingRetry retry) {
    }

    /** Every tenant's retries due by {@code now}, as this instance last read the state topic. */
    public List<DueRetry> dueRetries(Instant now) {
        List<DueRetry> due = new ArrayList<>();
        for (Map.Entry<String, PendingRetry> entry : pendingRetries.entrySet()) {
            if (!entry.getValue().retryAt().isAfter(now)) {
                String[] parts = entry.getKey().split("\\|", 3);
                due.add(new DueRetry(parts[1], parts[2], entry.getValue()));
            }
        }
        return due;
    }

    private static String retryKey(String tenantId, String contentId) {
        return "retry|" + tenantId + "|" + contentId;
    }

    /** One key per tenant, so that compaction keeps only the last start request. */
    private static String subscriptionStartKey(String tenantId) {
        return "start|" + tenantId + "|requested";
    }

    private static String gapKey(String tenantId, Gap gap) {
        return "gap|" + tenantId + "|" + gap.keySuffix();
    }

    private static String cursorKey(String tenantId, String contentType) {
        return "cursor|" + tenantId + "|" + contentType;
    }

    private static String doneKey(String tenantId, String contentId) {
        return "done|" + tenantId + "|" + contentId;
    }

    private void pruneDoneBlobs() {
        Instant now = clock.instant();
        // every tenant's cursors move at every poll: the whole set is walked at most once a minute
        if (lastPruned != null && now.isBefore(lastPruned.plus(PRUNE_EVERY))) {
            return;
        }
        lastPruned = now;
        Instant horizon = now.minus(DONE_KEPT);
        List<String> expired = doneBlobs.entrySet().stream()
                .filter(e -> e.getValue().isBefore(horizon))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(ArrayList::new));
        // a repaired gap is kept while a blob the service still serves may hold one of its records
        gaps.entrySet().stream()
                .filter(e -> e.getValue().repaired() && e.getValue().to().isBefore(horizon))
                .map(Map.Entry::getKey).toList()
                .forEach(key -> {
                    write(key, null);
                    gaps.remove(key);
                });
        for (String key : expired) {
            write(key, null);
            doneBlobs.remove(key);
            String retryKey = "retry|" + key.substring("done|".length());
            if (pendingRetries.containsKey(retryKey)) {
                write(retryKey, null);
                pendingRetries.remove(retryKey);
            }
        }
    }

    private void write(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("interrupted while writing to state topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new StateStoreException("could not write to state topic " + topic + ": " + cause, cause);
        }
    }

    /**
     * Reads what was written to the state topic since the last call, up to the topic's end as it is now. A transaction
     * open at this moment holds back what a {@code read_committed} reader may see; the read waits until the broker has
     * settled it (at most the transaction timeout, for one left open by an instance that died), so that nothing
     * committed before this call is missed.
     * <p>
     * Callers at the same moment share one read: a caller that waited while another's read began after its own call
     * is served by it, since that read's end offsets include everything committed before the caller came.
     */
    public void catchUp() {
        long calledAt = System.nanoTime();
        synchronized (this) {
            if (lastCatchUpBegan - calledAt > 0) {
                return;
            }
            long began = System.nanoTime();
            catchUpNow();
            lastCatchUpBegan = began;
        }
    }

    private void catchUpNow() {
        if (reader == null) {
            throw new StateStoreException("state topic " + topic + " is not open (the collector is stopping)", null);
        }
        try {
            Map<TopicPartition, Long> end = highWatermarks(admin, partitions);
            if (ConsumerPositions.reached(reader, end)) {
                return;
            }
            Instant started = clock.instant();
            Instant deadline = started.plus(settleTimeout);
            boolean warned = false;
            while (!ConsumerPositions.reached(reader, end)) {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(100))) {
                    apply(record.key(), record.value(), record.timestamp());
                }
                if (!warned && clock.instant().isAfter(started.plusSeconds(5))
                        && !ConsumerPositions.reached(reader, end)) {
                    LOG.info("State topic {}: waiting for a transaction left open by a stopped instance to be settled"
                            + " (at most {} s)", topic, settleTimeout.toSeconds());
                    warned = true;
                }
                if (clock.instant().isAfter(deadline)) {
                    throw new StateStoreException("state topic " + topic + " still has an unsettled transaction after "
                            + settleTimeout.toSeconds() + " s", null);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new StateStoreException("could not read state topic " + topic + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("interrupted while reading state topic " + topic, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new StateStoreException("could not read state topic " + topic + ": " + e, e);
        }
    }

    private static Map<TopicPartition, Long> highWatermarks(Admin admin, List<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    private void apply(String key, String value, long timestamp) {
        if (key == null) {
            return;
        }
        String[] parts = key.split("\\|", 3);
        if (parts.length != 3) {
            return;
        }
        if (value != null && (parts[0].equals("done") || parts[0].equals("cursor"))) {
            lastMarked.merge(parts[1], timestamp, Math::max);
        }
        if (parts[0].equals("replay")) {
            Replay replay = value == null ? null : Replay.parse(value);
            if (replay == null) {
                replays.remove(key);
            } else {
                replays.merge(key, replay, KafkaStateStore::furthest);
            }
            return;
        }
        if (parts[0].equals("cancel")) {
            if (value == null) {
                cancels.remove(key);
            } else {
                cancels.add(key);
            }
            return;
        }
        if (parts[0].equals("gap")) {
            Gap gap = value == null ? null : Gap.parse(value);
            if (gap == null) {
                gaps.remove(key);
            } else {
                // a read that began before this instance's last commit brings an older progress: never back
                gaps.merge(key, gap, KafkaStateStore::furthest);
            }
            return;
        }
        if (parts[0].equals("retry")) {
            PendingRetry retry = value == null ? null : PendingRetry.parse(value);
            if (retry == null) {
                // cleared, or written before retries came from the state topic (a bare count, without the reference)
                pendingRetries.remove(key);
            } else {
                pendingRetries.put(key, retry);
            }
            return;
        }
        Map<String, Instant> target = switch (parts[0]) {
            case "cursor" -> cursors;
            case "done" -> doneBlobs;
            case "start" -> subscriptionStarts;
            default -> null;
        };
        if (target == null) {
            return;
        }
        if (value == null) {
            target.remove(key);
        } else {
            target.put(key, Instant.parse(value));
        }
    }
}
