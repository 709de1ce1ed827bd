package io.github.o365auditcamel.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.fetch.BlobFailures;
import io.github.o365auditcamel.fetch.BlobFate;
import io.github.o365auditcamel.fetch.DeadLetterReason;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.fetch.CountingInputStream;
import io.github.o365auditcamel.metrics.FreshnessTally;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.progress.FailureReason;
import io.github.o365auditcamel.progress.LogText;
import io.github.o365auditcamel.routes.ExchangeVariables;
import io.github.o365auditcamel.state.Gap;
import io.github.o365auditcamel.state.PendingRetry;
import io.github.o365auditcamel.state.TenantState;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a blob all or nothing: its records, streamed from the HTTP body, and the marker that says the blob is
 * published go into Kafka in one transaction. A consumer reading {@code read_committed} sees either every record of
 * the blob or none; a crash mid-blob leaves an aborted transaction and the blob is fetched again.
 * <p>
 * One per tenant, holding only what is the tenant's (its settings, state, metrics and recent record ids); the
 * transactional producers are the instance's ({@link TransactionalProducers}): the one of the content-refs partition
 * the blob's reference came from, or the dead-letter retries'. A blob taken from the content-refs topic commits its
 * consumed offset in the same transaction
 * (with the consumer group's metadata), so a fetcher that lost its partition to another instance cannot commit
 * after the new owner started: the broker fences it. Camel's kafka producer is not used here: it cannot put two topics in
 * one transaction through separate endpoints, and 4.18.0 does not recreate its producer after a KafkaException, which a
 * broker outage would make permanent.
 */
public class BlobPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(BlobPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CollectorSettings settings;
    private final TransactionalProducers producers;
    private final TenantState stateStore;
    private final BlobRecordStreamer streamer;
    private final CollectorMetrics metrics;
    private final RecentRecordIdsByType recentIds;

    /**
     * @param settings the tenant's settings
     * @param producers the instance's transactional producers, shared by every tenant
     * @param stateStore the tenant's state
     * @param recentIds the instance's recent record ids, shared by every tenant
     */
    public BlobPublisher(CollectorSettings settings, TransactionalProducers producers, TenantState stateStore,
            RecentRecordIdsByType recentIds, BlobRecordStreamer streamer, CollectorMetrics metrics) {
        this.settings = settings;
        this.producers = producers;
        this.recentIds = recentIds;
        this.stateStore = stateStore;
        this.streamer = streamer;
        this.metrics = metrics;
    }

    private static final Predicate<String> NO_GAP = creationTime -> false;

    /** The shortest wait of a blob deferred for throttling. */
    static final long THROTTLED_DEFERRAL_SECONDS = 5;

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
        RoutingRules rules = settings.routingRules();
        List<Header> headers = headersOf(blob);
        ConsumedRef consumed = ConsumedRef.of(exchange);

        // one transaction at a time per producer; each fetcher has its own
        String slot = consumed.slot();
        KafkaProducer<String, byte[]> producer = producers.get(slot);
        RecentRecordIds recent = recentIds.of(contentType);
        // a dead-lettered blob fetched again: its pending retry is cleared with its records. A blob listed had its
        // state read a moment ago (the fetch route's published check), and one handled (dead-lettered) is fetched
        // again only as a retry: no need to ask Kafka a second time
        Integer pendingRetry = exchange.getVariable(ExchangeVariables.DEAD_LETTER_COUNT) != null
                ? stateStore.pendingRetry(contentId) : stateStore.knownPendingRetry(contentId);
        // records created in a gap under repair are Graph's to publish (GapRepairs): whichever source serves one, it
        // is published once
        List<Gap> gaps = settings.gapRepair().enabled() ? stateStore.gaps(contentType) : List.of();
        Predicate<String> leftToGraph = gaps.isEmpty() ? NO_GAP : Gap.owner(gaps);
        synchronized (producer) {
            long records = 0;
            long duplicates = 0;
            long oversized = 0;
            long toGraph = 0;
            RecentRecordIds.BlobIds ids = recent == null ? null : recent.startBlob();
            FreshnessTally freshness = new FreshnessTally();
            long sentAt = System.currentTimeMillis() / 1000;
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
                    if (leftToGraph != NO_GAP && leftToGraph.test(record.creationTime())) {
                        toGraph++;
                        continue;
                    }
                    if (ids != null && ids.check(record.id(), System.currentTimeMillis())
                            == RecentRecordIds.Verdict.DROP) {
                        duplicates++;
                        continue;
                    }
                    String routed = rules.isEmpty() ? null : rules.topicFor(record);
                    producer.send(new ProducerRecord<>(routed == null ? topic : routed, null, record.id(),
                            record.json(), AuditRecordHeaders.of(record, headers)));
                    freshness.add(record.creationTime(), sentAt);
                    records++;
                    if ((records & 1023) == 0) {
                        sentAt = System.currentTimeMillis() / 1000;
                    }
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
                    producers.discard(slot, producer, e);
                } else {
                    // the blob itself failed (bad content, a broken connection): the transaction is simply aborted
                    producers.abort(slot, producer, e);
                }
                throw e;
            }
            stateStore.rememberPublished(contentId, contentCreated);
            stateStore.rememberRetry(contentId, null);
            metrics.blobPublished(contentType, records, body.count());
            freshness.recordInto(metrics.recordFreshness(contentType));
            if (contentCreated != null) {
                metrics.blobPublishedAfter(contentType, Duration.between(contentCreated, Instant.now()));
            }
            if (oversized > 0) {
                metrics.recordsDeadLettered(contentType, oversized);
            }
            if (toGraph > 0) {
                // only the blobs of the first hours after a gap: records created before the Management API resumed
                metrics.recordsLeftToGapRepair(contentType, toGraph);
                LOG.info("{}: blob {}: {} of its records were created in a gap repaired through Microsoft Graph, which"
                        + " publishes them; {} published from the blob", contentType, contentId, toGraph, records);
            }
            exchange.setVariable(ExchangeVariables.RECORD_COUNT, records);
            exchange.setVariable(ExchangeVariables.DUPLICATE_COUNT, duplicates);
        }
    }

    /**
     * Sends a blob that cannot be published to the dead-letter topic with the reason, and marks it handled, in one
     * transaction: the poll goes on and the checkpoint can move past it. Key = contentId; value = a JSON object with
     * the blob's reference, the reason and the retry plan; headers as on records, plus {@code o365.reason},
     * {@code o365.deadLetterCount} and, when it will be fetched again, {@code o365.retryAt}.
     * <p>
     * A transient failure (throttling, 408, 5xx, a broken connection, a timeout) that outlasted the API retries is
     * fetched again later (route {@code retry-dead-letters}): after {@code o365.deadletter.retry-delay},
     * doubling per retry up to an hour, at most {@code o365.deadletter.max-retries} times and never past the content's
     * expiry. Its pending retry, with its reference, is kept in the state topic, in the same transaction: that is where
     * the retries come from, and a retry handed to the fetchers twice is fetched once (the variable {@code blobFate}
     * is {@link BlobFate#DEAD_LETTER_AND_RETRY}). Poison content and URIs off the API host are not retried: the same
     * bytes would fail the same way.
     */
    public void deadLetter(Exchange exchange) throws Exception {
        boolean transientFailure =
                exchange.getVariable(ExchangeVariables.BLOB_FATE, BlobFate.class) == BlobFate.DEAD_LETTER_AND_RETRY;
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
        PendingRetry pending = retryAt == null ? null : new PendingRetry(deadLetterCount, retryAt, blob.contentType,
                exchange.getVariable(ExchangeVariables.CONTENT_URI, String.class), blob.created);
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
        letter.put("contentUri", exchange.getVariable(ExchangeVariables.CONTENT_URI, String.class));
        letter.put("contentCreated", blob.created);
        letter.put("reasonCode", reasonCode);
        letter.put("reason", reason);
        letter.put("failedAt", now.toString());
        return letter;
    }

    /**
     * Defers a blob its tenant's service held back: marked handled with a pending retry, in one transaction with its
     * reference's offset, so that the fetcher goes on with the blobs behind it instead of waiting. Throttled (its GET
     * answered AF429): due after the service's {@code Retry-After}, at least {@value #THROTTLED_DEFERRAL_SECONDS} s.
     * The service down ({@link BlobFate#DEFER_OUTAGE}, see {@code BlobFailures.looksDown}): due after
     * {@code O365_DEADLETTER_RETRY_DELAY}. Not a dead letter, and not counted against
     * {@code O365_DEADLETTER_MAX_RETRIES}: a tenant that stays throttled or down keeps its blobs until its service
     * answers again.
     */
    public void defer(Exchange exchange) throws Exception {
        Blob blob = Blob.of(exchange);
        Integer previous = stateStore.pendingRetry(blob.contentId);
        Long retryAfter = exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, Long.class);
        boolean outage = exchange.getVariable(ExchangeVariables.BLOB_FATE, BlobFate.class) == BlobFate.DEFER_OUTAGE;
        Instant retryAt = outage ? Instant.now().plus(settings.deadLetterRetryDelay())
                : Instant.now().plusSeconds(THROTTLED_DEFERRAL_SECONDS);
        if (!outage && retryAfter != null && Instant.now().plusMillis(retryAfter).isAfter(retryAt)) {
            retryAt = Instant.now().plusMillis(retryAfter);
        }
        PendingRetry retry = new PendingRetry(previous == null ? 0 : previous, retryAt, blob.contentType,
                exchange.getVariable(ExchangeVariables.CONTENT_URI, String.class), blob.created);
        commitHandled(exchange, blob, null, true, retry);
        metrics.blobDeferred(blob.contentType);
        LOG.info("{}: blob {} deferred to {}: {} ({}); the fetcher goes on with other blobs", blob.contentType,
                LogText.safe(blob.contentId), retryAt, outage ? "the tenant's service looks down, "
                        + "several blobs in a row failed" : "the tenant is throttled", LogText.safe(reasonOf(exchange)));
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
            PendingRetry retry) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        if (extra != null) {
            records.add(extra);
        }
        records.add(stateStore.publishedMarker(blob.contentId, blob.contentCreated()));
        if (writeRetry) {
            records.add(stateStore.retryMarker(blob.contentId, retry));
        }
        producers.commit(ConsumedRef.of(exchange), records);
        stateStore.rememberPublished(blob.contentId, blob.contentCreated());
        stateStore.rememberRetry(blob.contentId, retry);
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
            return new Blob(exchange.getVariable(ExchangeVariables.CONTENT_TYPE, String.class),
                    exchange.getVariable(ExchangeVariables.CONTENT_ID, String.class),
                    exchange.getVariable(ExchangeVariables.CONTENT_CREATED, String.class));
        }

        /** When the service made the blob available; null when the entry did not say so readably. */
        Instant contentCreated() {
            return instantOrNull(created);
        }
    }

    /** An instant as the service writes it; null when absent or unreadable. */
    static Instant instantOrNull(Object value) {
        try {
            return value == null ? null : Instant.parse(String.valueOf(value));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
