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
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.listing.CheckpointStore;
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
 * dead-lettered; by contentId), and the retry count of each blob dead-lettered after a transient failure and still
 * waiting to be fetched again.
 * Read whole at start; every change is written, and acknowledged by Kafka, before it counts.
 * Blobs created longer ago than the service keeps content can never be listed again, so their entries are deleted.
 */
public class KafkaStateStore extends ServiceSupport implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStateStore.class);
    private static final Duration DONE_KEPT = ListingWindows.RETENTION.plusDays(1);
    private static final long WRITE_TIMEOUT_SECONDS = 60;

    private final String topic;
    private final String tenantId;
    private final String brokers;
    private final Duration settleTimeout;
    private final Clock clock;
    private final Map<String, Instant> cursors = new ConcurrentHashMap<>();
    private final Map<String, Instant> doneBlobs = new ConcurrentHashMap<>();
    private final Map<String, Integer> pendingRetries = new ConcurrentHashMap<>();
    private KafkaProducer<String, String> producer;
    private volatile boolean reloadRequired;

    public KafkaStateStore(CollectorSettings settings) {
        this(settings.stateTopic(), settings.tenantId(), settings.kafkaBrokers(),
                settings.kafkaTransactionTimeout().plusSeconds(30), Clock.systemUTC());
    }

    public KafkaStateStore(String topic, String tenantId, String brokers, Duration settleTimeout, Clock clock) {
        this.topic = topic;
        this.tenantId = tenantId;
        this.brokers = brokers;
        this.settleTimeout = settleTimeout;
        this.clock = clock;
    }

    @Override
    protected void doStart() throws Exception {
        load();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-state");
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
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
    }

    @Override
    public Optional<Instant> cursor(String contentType) {
        reloadIfRequired();
        return Optional.ofNullable(cursors.get(cursorKey(contentType)));
    }

    /**
     * Asks for the state to be read again from the topic before it is next used: after a transaction whose outcome
     * is unknown (its commit timed out while the broker was away, say), only the topic knows whether the blob's
     * marker, and so its records, were committed.
     */
    public void requireReload() {
        reloadRequired = true;
    }

    private void reloadIfRequired() {
        // the common case, a lookup per listed blob, takes no lock
        if (reloadRequired) {
            reload();
        }
    }

    private synchronized void reload() {
        if (reloadRequired) {
            Map<String, Instant> loadedCursors = new HashMap<>(cursors);
            cursors.clear();
            doneBlobs.clear();
            pendingRetries.clear();
            try {
                load();
            } catch (RuntimeException e) {
                // keep what we had until the topic can be read
                cursors.putAll(loadedCursors);
                throw e;
            }
            reloadRequired = false;
            LOG.info("State topic {} read again: {} cursors and {} published blobs", topic, cursors.size(),
                    doneBlobs.size());
        }
    }

    @Override
    public void advance(String contentType, Instant to) {
        String key = cursorKey(contentType);
        Instant current = cursors.get(key);
        if (current != null && !to.isAfter(current)) {
            return;
        }
        write(key, to.toString());
        cursors.put(key, to);
        pruneDoneBlobs();
    }

    public boolean isPublished(String contentId) {
        reloadIfRequired();
        return doneBlobs.containsKey(doneKey(contentId));
    }

    /** Forgets a blob in memory only (its marker in Kafka, if any, stays authoritative). */
    public boolean forgetPublished(String contentId) {
        return doneBlobs.remove(doneKey(contentId)) != null;
    }

    /**
     * The marker that says a blob is published, to be written in the same Kafka transaction as the blob's records,
     * so that both become visible together or not at all.
     */
    public ProducerRecord<String, byte[]> publishedMarker(String contentId, Instant contentCreated) {
        Instant created = contentCreated == null ? clock.instant() : contentCreated;
        return new ProducerRecord<>(topic, doneKey(contentId), created.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Remembers a blob whose marker was committed with its records. */
    public void rememberPublished(String contentId, Instant contentCreated) {
        doneBlobs.put(doneKey(contentId), contentCreated == null ? clock.instant() : contentCreated);
    }

    /**
     * How often the blob was dead-lettered after a transient failure and is awaiting its next retry, or null when it
     * is not (never dead-lettered, published since, or given up on).
     */
    public Integer pendingRetry(String contentId) {
        reloadIfRequired();
        return pendingRetries.get(retryKey(contentId));
    }

    /**
     * The record that sets (attempt &gt; 0) or clears (null) a blob's pending retry, to be written in the same Kafka
     * transaction as the dead letter or the blob's records.
     */
    public ProducerRecord<String, byte[]> retryMarker(String contentId, Integer attempt) {
        return new ProducerRecord<>(topic, retryKey(contentId),
                attempt == null ? null : attempt.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Remembers the pending retry whose marker was committed (null: none any more). */
    public void rememberRetry(String contentId, Integer attempt) {
        if (attempt == null) {
            pendingRetries.remove(retryKey(contentId));
        } else {
            pendingRetries.put(retryKey(contentId), attempt);
        }
    }

    private String retryKey(String contentId) {
        return "retry|" + tenantId + "|" + contentId;
    }

    private String cursorKey(String contentType) {
        return "cursor|" + tenantId + "|" + contentType;
    }

    private String doneKey(String contentId) {
        return "done|" + tenantId + "|" + contentId;
    }

    private void pruneDoneBlobs() {
        Instant horizon = clock.instant().minus(DONE_KEPT);
        List<String> expired = doneBlobs.entrySet().stream()
                .filter(e -> e.getValue().isBefore(horizon))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(ArrayList::new));
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
     * Reads the whole state topic. A transaction left open by an instance that died holds back what a
     * {@code read_committed} reader may see; the load waits until the broker has settled it (at most the
     * transaction timeout), so that nothing committed after it is missed.
     */
    private void load() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(WRITE_TIMEOUT_SECONDS))
                    .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = highWatermarks(admin, partitions);
            Instant deadline = clock.instant().plus(settleTimeout);
            boolean warned = false;
            while (!reachedEnd(consumer, end)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record.key(), record.value());
                }
                if (!warned && !reachedEnd(consumer, end) && consumer.endOffsets(partitions).equals(positions(consumer, partitions))) {
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

    private static Map<TopicPartition, Long> positions(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        partitions.forEach(tp -> positions.put(tp, consumer.position(tp)));
        return positions;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(String key, String value) {
        if (key == null) {
            return;
        }
        String[] parts = key.split("\\|", 3);
        if (parts.length != 3 || !parts[1].equals(tenantId)) {
            return;
        }
        if (parts[0].equals("retry")) {
            if (value == null) {
                pendingRetries.remove(key);
            } else {
                pendingRetries.put(key, Integer.valueOf(value));
            }
            return;
        }
        Map<String, Instant> target = switch (parts[0]) {
            case "cursor" -> cursors;
            case "done" -> doneBlobs;
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
