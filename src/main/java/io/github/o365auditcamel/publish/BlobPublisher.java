package io.github.o365auditcamel.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.fetch.BlobFailures;
import io.github.o365auditcamel.fetch.DeadLetterReason;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.fetch.CountingInputStream;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.progress.FailureReason;
import io.github.o365auditcamel.progress.LogText;
import io.github.o365auditcamel.state.KafkaStateStore;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a blob all or nothing: its records, streamed from the HTTP body, and the marker that says the blob is
 * published go into Kafka in one transaction. A consumer reading {@code read_committed} sees either every record of
 * the blob or none; a crash mid-blob leaves an aborted transaction and the blob is fetched again.
 * <p>
 * One transactional producer per fetcher slot: per partition of the content references this instance consumes, and
 * one for the dead-letter retries, so that blobs publish in parallel. Its transactional id is fixed for this instance
 * ({@code o365.instance-id}) and slot, so a restarted instance fences its predecessor and aborts whatever transaction
 * that one left open. A blob taken from the content-refs topic commits its consumed offset in the same transaction
 * (with the consumer group's metadata), so a fetcher that lost its partition to another instance cannot commit
 * after the new owner started: the broker fences it. Camel's kafka producer is not used here: it cannot put two topics in one
 * transaction through separate endpoints, and 4.18.0 does not recreate its producer after a KafkaException, which a
 * broker outage would make permanent.
 */
public class BlobPublisher extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BlobPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Exchange variable that receives the number of records published from the blob. */
    public static final String RECORD_COUNT_VARIABLE = "recordCount";
    /** Exchange variable that receives the number of records dropped as copies of records already published. */
    public static final String DUPLICATE_COUNT_VARIABLE = "duplicateCount";

    private final CollectorSettings settings;
    private final KafkaClientSettings kafka;
    private final KafkaStateStore stateStore;
    private final BlobRecordStreamer streamer;
    private final CollectorMetrics metrics;
    private final Map<String, KafkaProducer<String, byte[]>> producers = new ConcurrentHashMap<>();
    private final Map<String, RecentRecordIds> recentIds = new ConcurrentHashMap<>();

    public BlobPublisher(CollectorSettings settings, KafkaClientSettings kafka, KafkaStateStore stateStore,
            BlobRecordStreamer streamer, CollectorMetrics metrics) {
        this.settings = settings;
        this.kafka = kafka;
        this.stateStore = stateStore;
        this.streamer = streamer;
        this.metrics = metrics;
    }

    /** Exchange variable holding camel-kafka's manual commit of the content reference being fetched. */
    public static final String CONSUMED_REF_VARIABLE = "consumedRef";
    /** The slot of blobs that come from no content reference: the dead-letter retries. */
    public static final String RETRY_SLOT = "deadletters";

    /** The transactional id of a slot's producer on this instance. */
    public String transactionalId(String slot) {
        return "o365-audit-camel." + settings.tenantId() + "." + settings.instanceId() + "."
                + slot.toLowerCase(Locale.ROOT);
    }

    /** The slot of a content-refs partition. */
    public static String refsSlot(int partition) {
        return "refs-" + partition;
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
        slots.parallelStream().forEach(this::producer);
        LOG.info("Transactional producers ready for {} content-refs partitions and the dead-letter retries"
                + " (instance id {})", settings.contentRefsPartitions(), settings.instanceId());
    }

    @Override
    protected void doStop() {
        producers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
        producers.clear();
    }

    /**
     * Streams the blob in the exchange body to its content type's topic and marks it published, in one transaction.
     * Reads the exchange variables {@code contentType}, {@code contentId} and {@code contentCreated}.
     */
    public void publish(Exchange exchange) throws Exception {
        Blob blob = Blob.of(exchange);
        String contentType = blob.contentType;
        String contentId = blob.contentId;
        Instant contentCreated = blob.contentCreated();
        CountingInputStream body = new CountingInputStream(exchange.getMessage().getMandatoryBody(InputStream.class));

        String topic = settings.topicFor(contentType);
        List<Header> headers = headersOf(blob);

        // one transaction at a time per producer; each fetcher has its own
        ConsumedRef consumed = ConsumedRef.of(exchange);
        String slot = consumed.slot();
        KafkaProducer<String, byte[]> producer = producer(slot);
        RecentRecordIds recent = settings.dedupeEnabled()
                ? recentIds.computeIfAbsent(contentType, t -> new RecentRecordIds(settings.dedupeCapacity(),
                        settings.dedupeWindow().toMillis()))
                : null;
        // a blob fetched again from the dead-letter topic: its pending retry is cleared with its records
        Integer pendingRetry = stateStore.pendingRetry(contentId);
        synchronized (producer) {
            long records = 0;
            long duplicates = 0;
            long oversized = 0;
            RecentRecordIds.BlobIds ids = recent == null ? null : recent.startBlob();
            try (BlobRecordStreamer.RecordIterator it = streamer.records(body)) {
                producer.beginTransaction();
                while (it.hasNext()) {
                    AuditRecord record = it.next();
                    if (record.isOversized()) {
                        // too long for Kafka: its reference to the dead-letter topic, the blob's others go on
                        producer.send(oversizedRecordLetter(exchange, blob, record, headers));
                        oversized++;
                        continue;
                    }
                    if (ids != null && ids.check(record.id(), System.currentTimeMillis())
                            == RecentRecordIds.Verdict.DROP) {
                        duplicates++;
                        continue;
                    }
                    producer.send(new ProducerRecord<>(topic, null, record.id(), record.json(), headers));
                    records++;
                }
                // the markers last, just before the commit: the state topic is held back only that long
                producer.send(stateStore.publishedMarker(contentId, contentCreated));
                if (pendingRetry != null) {
                    producer.send(stateStore.retryMarker(contentId, null));
                }
                consumed.addTo(producer);
                if (ids != null && !ids.commit(System.currentTimeMillis())) {
                    metrics.blobRefetchedForSharedRecords(contentType);
                    throw new ConcurrentCopyException(contentType + ": blob " + contentId + " shares records with a"
                            + " blob published at the same moment; fetched again without them");
                }
                producer.commitTransaction();
            } catch (Exception | Error e) {
                // an Error too (out of memory, say): a transaction is never left open
                if (ids != null) {
                    // the aborted records' ids must not hide them when the blob is fetched again
                    ids.abandon();
                }
                if (e instanceof KafkaException) {
                    // the transaction's outcome may be unknown (a commit that timed out): the state store reads the
                    // topic before it next answers, so that a committed blob is neither lost nor repeated
                    discard(slot, producer, e);
                } else {
                    // the blob itself failed (bad content, a broken connection): the transaction is simply aborted
                    abort(slot, producer, e);
                }
                throw e;
            }
            stateStore.rememberPublished(contentId, contentCreated);
            stateStore.rememberRetry(contentId, null);
            metrics.blobPublished(contentType, records, body.count());
            if (oversized > 0) {
                metrics.recordsDeadLettered(contentType, oversized);
            }
            exchange.setVariable(RECORD_COUNT_VARIABLE, records);
            exchange.setVariable(DUPLICATE_COUNT_VARIABLE, duplicates);
        }
    }

    /**
     * Sends a blob that cannot be published to the dead-letter topic with the reason, and marks it handled, in one
     * transaction: the poll goes on and the checkpoint can move past it. Key = contentId; value = a JSON object with
     * the blob's reference, the reason and the retry plan; headers as on records, plus {@code o365.reason},
     * {@code o365.deadLetterCount} and, when it will be fetched again, {@code o365.retryAt}.
     * <p>
     * A transient failure (throttling, 408, 5xx, a broken connection, a timeout) that outlasted the API retries is
     * retried later from the dead-letter topic (route {@code retry-dead-letters}): after {@code o365.deadletter.retry-delay},
     * doubling per retry up to an hour, at most {@code o365.deadletter.max-retries} times and never past the content's
     * expiry. Its pending retry is kept in the state topic, in the same transaction, so that a dead letter read twice
     * is fetched once. Poison content and URIs off the API host are not retried: the same bytes would fail the same way.
     *
     * @param transientFailure whether the failure may heal by itself, so that the blob is worth fetching again
     */
    public void deadLetter(Exchange exchange, boolean transientFailure) throws Exception {
        String reason = reasonOf(exchange);
        String reasonCode = BlobFailures.reasonOf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))
                .code();
        Blob blob = Blob.of(exchange);
        Integer previous = stateStore.pendingRetry(blob.contentId);
        int deadLetterCount = previous == null ? 1 : previous + 1;
        Instant now = Instant.now();
        Instant retryAt = null;
        if (transientFailure) {
            Instant candidate = now.plus(settings.deadLetterRetryDelay(deadLetterCount));
            Instant created = blob.contentCreated();
            if (deadLetterCount > settings.deadLetterMaxRetries()) {
                reason += "; not retried again after " + settings.deadLetterMaxRetries() + " retries"
                        + " (O365_DEADLETTER_MAX_RETRIES)";
            } else if (created != null && candidate.isAfter(created.plus(ListingWindows.RETENTION))) {
                reason += "; not retried again: the service no longer has the content by then";
            } else {
                retryAt = candidate;
            }
        }
        Map<String, Object> letter = letter(exchange, blob, reasonCode, reason, now);
        letter.put("deadLetterCount", deadLetterCount);
        letter.put("retryAt", retryAt == null ? null : retryAt.toString());
        List<Header> headers = new ArrayList<>(headersOf(blob));
        headers.add(header("o365.reason", reason));
        headers.add(header("o365.reasonCode", reasonCode));
        headers.add(header("o365.deadLetterCount", Integer.toString(deadLetterCount)));
        if (retryAt != null) {
            headers.add(header("o365.retryAt", retryAt.toString()));
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(settings.deadLetterTopic(), null, blob.contentId,
                JSON.writeValueAsBytes(letter), headers);
        Integer pending = retryAt != null ? Integer.valueOf(deadLetterCount) : null;
        commitHandled(exchange, blob, record, previous != null || pending != null, pending);
        metrics.blobDeadLettered(blob.contentType, retryAt != null);
        if (retryAt != null) {
            LOG.warn("{}: blob {} sent to dead-letter topic {}, fetched again at {}: {} ({})", blob.contentType,
                    LogText.safe(blob.contentId), settings.deadLetterTopic(), retryAt, LogText.safe(reason),
                    reasonCode);
        } else {
            LOG.warn("{}: blob {} sent to dead-letter topic {}: {} ({})", blob.contentType,
                    LogText.safe(blob.contentId), settings.deadLetterTopic(), LogText.safe(reason), reasonCode);
        }
    }

    /**
     * The dead letter of one record longer than {@code O365_MAX_RECORD_BYTES}: its blob's reference, its {@code Id}
     * and its size, in the blob's transaction; one WARN line says so.
     */
    private ProducerRecord<String, byte[]> oversizedRecordLetter(Exchange exchange, Blob blob, AuditRecord record,
            List<Header> blobHeaders) throws IOException {
        String reason = "record " + record.id() + " has " + record.size() + " bytes, more than the "
                + settings.limits().maxRecordBytes() + " allowed (O365_MAX_RECORD_BYTES)";
        Map<String, Object> letter = letter(exchange, blob, DeadLetterReason.RECORD_TOO_LARGE.code(), reason,
                Instant.now());
        letter.put("recordId", record.id());
        letter.put("recordBytes", record.size());
        letter.put("deadLetterCount", 1);
        letter.put("retryAt", null);
        List<Header> headers = new ArrayList<>(blobHeaders);
        headers.add(header("o365.reason", reason));
        headers.add(header("o365.reasonCode", DeadLetterReason.RECORD_TOO_LARGE.code()));
        LOG.warn("{}: blob {}: {}; sent to dead-letter topic {}, the blob's other records are published",
                blob.contentType, LogText.safe(blob.contentId), reason, settings.deadLetterTopic());
        return new ProducerRecord<>(settings.deadLetterTopic(), null, blob.contentId, JSON.writeValueAsBytes(letter),
                headers);
    }

    /** What every dead letter says: the blob's reference, the tenant, why and when. */
    private Map<String, Object> letter(Exchange exchange, Blob blob, String reasonCode, String reason, Instant now) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("tenant", settings.tenantName());
        letter.put("tenantId", settings.tenantId());
        letter.put("contentType", blob.contentType);
        letter.put("contentId", blob.contentId);
        letter.put("contentUri", exchange.getVariable("contentUri", String.class));
        letter.put("contentCreated", blob.created);
        letter.put("reasonCode", reasonCode);
        letter.put("reason", reason);
        letter.put("failedAt", now.toString());
        return letter;
    }

    /** Marks a blob the service no longer has (gone, expired) as handled, so that it is not asked for again. */
    public void skip(Exchange exchange) throws Exception {
        Blob blob = Blob.of(exchange);
        commitHandled(exchange, blob, null, stateStore.pendingRetry(blob.contentId) != null, null);
        metrics.blobSkipped(blob.contentType);
        LOG.warn("{}: blob {} skipped: {}", blob.contentType, LogText.safe(blob.contentId),
                LogText.safe(reasonOf(exchange)));
    }

    private void commitHandled(Exchange exchange, Blob blob, ProducerRecord<String, byte[]> extra, boolean writeRetry,
            Integer retry) {
        ConsumedRef consumed = ConsumedRef.of(exchange);
        String slot = consumed.slot();
        KafkaProducer<String, byte[]> producer = producer(slot);
        synchronized (producer) {
            try {
                producer.beginTransaction();
                if (extra != null) {
                    producer.send(extra);
                }
                producer.send(stateStore.publishedMarker(blob.contentId, blob.contentCreated()));
                if (writeRetry) {
                    producer.send(stateStore.retryMarker(blob.contentId, retry));
                }
                consumed.addTo(producer);
                producer.commitTransaction();
            } catch (RuntimeException e) {
                discard(slot, producer, e);
                throw e;
            }
            stateStore.rememberPublished(blob.contentId, blob.contentCreated());
            stateStore.rememberRetry(blob.contentId, retry);
        }
    }

    private static String reasonOf(Exchange exchange) {
        return FailureReason.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    private List<Header> headersOf(Blob blob) {
        return List.of(
                header("o365.contentType", blob.contentType),
                header("o365.contentId", blob.contentId),
                header("o365.tenant", settings.tenantName()),
                header("o365.tenantId", settings.tenantId()),
                header("o365.instanceId", settings.instanceId()),
                header("o365.contentCreated", blob.created == null ? "" : blob.created));
    }

    /** The blob an exchange is about, from the variables the fetch route sets. */
    private record Blob(String contentType, String contentId, String created) {
        static Blob of(Exchange exchange) {
            return new Blob(exchange.getVariable("contentType", String.class),
                    exchange.getVariable("contentId", String.class),
                    exchange.getVariable("contentCreated", String.class));
        }

        /** When the service made the blob available; null when the entry did not say so readably. */
        Instant contentCreated() {
            try {
                return created == null ? null : Instant.parse(created);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    private void abort(String slot, KafkaProducer<String, byte[]> producer, Throwable cause) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailed) {
            discard(slot, producer, cause);
        }
    }

    /** After a failure the transaction is aborted and the producer replaced: the next blob starts clean. */
    private void discard(String slot, KafkaProducer<String, byte[]> producer, Throwable cause) {
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

    /**
     * The content reference a blob was taken from, when it came from the content-refs topic: its offset joins the
     * blob's transaction, so the reference counts as consumed exactly when the blob counts as handled.
     */
    private record ConsumedRef(TopicPartition partition, long offset, Consumer<?, ?> consumer) {
        static final ConsumedRef NONE = new ConsumedRef(null, -1, null);

        static ConsumedRef of(Exchange exchange) {
            Object commit = exchange.getVariable(CONSUMED_REF_VARIABLE);
            if (commit instanceof DefaultKafkaManualCommit manual) {
                return new ConsumedRef(manual.getPartition(), manual.getRecordOffset(),
                        manual.getCamelExchangePayload().consumer);
            }
            return NONE;
        }

        /** The producer to publish with: its partition's, or the dead-letter retries' for a blob from no reference. */
        String slot() {
            return partition == null ? RETRY_SLOT : refsSlot(partition.partition());
        }

        /** Runs on the consumer's own thread: the fetch route is synchronous, from poll to commit. */
        void addTo(KafkaProducer<String, byte[]> producer) {
            if (consumer != null) {
                producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(offset + 1)),
                        consumer.groupMetadata());
            }
        }
    }

    private KafkaProducer<String, byte[]> producer(String slot) {
        return producers.computeIfAbsent(slot, type -> {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(type));
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-" + type.toLowerCase(Locale.ROOT));
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    (int) settings.kafkaTransactionTimeout().toMillis());
            props.put(ProducerConfig.LINGER_MS_CONFIG, settings.kafkaLingerMs());
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.kafkaCompression());
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
            props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
            // the longest record O365_MAX_RECORD_BYTES lets through, with its key and headers
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.limits().maxMessageBytes());
            KafkaProducer<String, byte[]> producer =
                    kafka.metered(new KafkaProducer<>(kafka.producer(props), new StringSerializer(),
                            new ByteArraySerializer()));
            try {
                producer.initTransactions();
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
            return producer;
        });
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
