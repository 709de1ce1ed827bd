package io.github.o365auditcamel.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's transactional producers, one per slot, shared by every tenant: one per partition of the content-refs
 * topic (the fetcher that owns the partition publishes with it, one blob at a time) and one for the dead-letter
 * retries. So their number follows {@code o365.content-refs-partitions}, never the number of tenants.
 * <p>
 * A slot's transactional id is fixed for this instance ({@code o365.instance-id}), so a restarted instance fences its
 * predecessor and aborts whatever transaction that one left open; instances never share one. A producer that failed
 * is closed and replaced, because after a {@code KafkaException} the outcome of its transaction may be unknown.
 */
public class TransactionalProducers extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducers.class);

    /** The slot of blobs that come from no content reference: the dead-letter retries. */
    public static final String RETRY_SLOT = "deadletters";

    private final CollectorSettings settings;
    private final KafkaClientSettings kafka;
    private final Map<String, KafkaProducer<String, byte[]>> producers = new ConcurrentHashMap<>();

    /** @param settings the deployment's settings (instance id, Kafka producer tuning, content-refs partitions) */
    public TransactionalProducers(CollectorSettings settings, KafkaClientSettings kafka) {
        this.settings = settings;
        this.kafka = kafka;
    }

    /** The slot of a content-refs partition. */
    public static String refsSlot(int partition) {
        return "refs-" + partition;
    }

    /** Every transactional id of the collector starts with it: the prefix its Kafka principal's ACL names. */
    public static final String TRANSACTIONAL_ID_PREFIX = "o365-audit-camel.";

    /** The transactional id of a slot's producer on this instance. */
    public String transactionalId(String slot) {
        return TRANSACTIONAL_ID_PREFIX + settings.instanceId() + "." + slot.toLowerCase(Locale.ROOT);
    }

    @Override
    protected void doStart() {
        // fences a previous run of this instance and aborts the transactions it left open, before the state is read;
        // all at once, as each waits for a round trip to the transaction coordinator
        List<String> slots = new ArrayList<>();
        for (int partition = 0; partition < settings.contentRefsPartitions(); partition++) {
            slots.add(refsSlot(partition));
        }
        slots.add(RETRY_SLOT);
        // a thread each, for the start only: the round trips overlap, whatever the number of cores
        ExecutorService starting = Executors.newFixedThreadPool(slots.size(), runnable -> {
            Thread thread = new Thread(runnable, "o365-producer-init");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture.allOf(slots.stream().map(slot -> CompletableFuture.runAsync(() -> get(slot), starting))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } finally {
            starting.shutdown();
        }
        LOG.info("Transactional producers ready for {} content-refs partitions and the dead-letter retries"
                + " (instance id {})", settings.contentRefsPartitions(), settings.instanceId());
    }

    @Override
    protected void doStop() {
        producers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
        producers.clear();
    }

    /** The slot's producer, made (and its transactions initialised) when first asked for. */
    KafkaProducer<String, byte[]> get(String slot) {
        return producers.computeIfAbsent(slot, this::create);
    }

    /**
     * Writes the records and the consumed reference's offset (if the work came from one) in one transaction, with
     * the producer of the reference's slot. After a Kafka failure the producer is replaced, and the failure thrown.
     */
    void commit(ConsumedRef consumed, List<ProducerRecord<String, byte[]>> records) {
        String slot = consumed.slot();
        KafkaProducer<String, byte[]> producer = get(slot);
        synchronized (producer) {
            try {
                producer.beginTransaction();
                for (ProducerRecord<String, byte[]> record : records) {
                    producer.send(record);
                }
                consumed.addTo(producer);
                producer.commitTransaction();
            } catch (RuntimeException e) {
                discard(slot, producer, e);
                throw e;
            }
        }
    }

    /** Aborts the slot's open transaction; a producer that cannot abort is replaced. */
    void abort(String slot, KafkaProducer<String, byte[]> producer, Throwable cause) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailed) {
            discard(slot, producer, cause);
        }
    }

    /** After a Kafka failure the transaction is aborted and the producer replaced: the next blob starts clean. */
    void discard(String slot, KafkaProducer<String, byte[]> producer, Throwable cause) {
        LOG.debug("Aborting the {} transaction after: {}", slot, cause.toString());
        producers.remove(slot, producer);
        try {
            producer.abortTransaction();
        } catch (Exception abortFailed) {
            // the next producer with this transactional id aborts it when it initializes
            LOG.debug("Abort failed ({}); the next producer aborts the transaction", abortFailed.toString());
        }
        producer.close(Duration.ZERO);
    }

    private KafkaProducer<String, byte[]> create(String slot) {
        return create(transactionalId(slot), "o365-audit-camel-" + slot.toLowerCase(Locale.ROOT));
    }

    /**
     * A transactional producer whose id is the same on every instance ({@code o365-audit-camel.<name>}), with the
     * record producers' settings, its transactions initialized: the instance that takes over the work the id names
     * fences the one that had it. The caller closes it.
     */
    public KafkaProducer<String, byte[]> createShared(String name) {
        return create(TRANSACTIONAL_ID_PREFIX + name, "o365-audit-camel-" + name);
    }

    private KafkaProducer<String, byte[]> create(String transactionalId, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.kafkaTransactionTimeout().toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, settings.kafkaLingerMs());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.kafkaCompression());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
        // the longest record O365_MAX_RECORD_BYTES lets through, with its key and headers
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.limits().maxMessageBytes());
        KafkaProducer<String, byte[]> producer = kafka.metered(new KafkaProducer<>(kafka.producer(props),
                new StringSerializer(), new ByteArraySerializer()));
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        return producer;
    }
}
