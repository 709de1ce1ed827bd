package io.github.o365auditcamel.state;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.github.o365auditcamel.listing.CheckpointStore;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One tenant's part of the state topic: its cursors, its handled blobs, its pending retries and when its last
 * subscription start was asked for, read and written
 * through the instance's one {@link KafkaStateStore}. A few fields, not a Kafka client: a tenant costs no reader.
 */
public final class TenantState implements CheckpointStore {

    private final KafkaStateStore store;
    private final String tenantId;

    TenantState(KafkaStateStore store, String tenantId) {
        this.store = store;
        this.tenantId = tenantId;
    }

    @Override
    public Optional<Instant> cursor(String contentType) {
        return store.cursor(tenantId, contentType);
    }

    /**
     * The checkpoint as this instance last read or wrote it, without asking Kafka: for a metric, on the instance that
     * lists (which reads it at every poll).
     */
    public Optional<Instant> knownCursor(String contentType) {
        return store.knownCursor(tenantId, contentType);
    }

    @Override
    public void advance(String contentType, Instant to) {
        store.advance(tenantId, contentType, to);
    }

    /** Whether the blob is handled (published, skipped or dead-lettered), after reading what others wrote since. */
    public boolean isPublished(String contentId) {
        return store.isPublished(tenantId, contentId);
    }

    /**
     * Whether the blob is handled as this instance last read or wrote the state, without asking Kafka: right after
     * {@link #isPublished} in the same exchange, or after this instance committed the blob itself.
     */
    public boolean knownPublished(String contentId) {
        return store.knownPublished(tenantId, contentId);
    }

    /** Forgets a blob in memory only (its marker in Kafka, if any, stays authoritative). */
    public boolean forgetPublished(String contentId) {
        return store.forgetPublished(tenantId, contentId);
    }

    /**
     * The marker that says a blob is handled, to be written in the same Kafka transaction as the blob's records (or
     * its dead letter), so that both become visible together or not at all.
     */
    public ProducerRecord<String, byte[]> publishedMarker(String contentId, Instant contentCreated) {
        return store.publishedMarker(tenantId, contentId, contentCreated);
    }

    /** Remembers a blob whose marker was committed. */
    public void rememberPublished(String contentId, Instant contentCreated) {
        store.rememberPublished(tenantId, contentId, contentCreated);
    }

    /**
     * How often the blob was dead-lettered after a transient failure and is awaiting its next retry, or null when it
     * is not (never dead-lettered, published since, or given up on); after reading what others wrote since.
     */
    public Integer pendingRetry(String contentId) {
        return store.pendingRetry(tenantId, contentId);
    }

    /**
     * The blob's pending retry as this instance last read or wrote the state, without asking Kafka: for a blob whose
     * state was read a moment ago in the same exchange.
     */
    public Integer knownPendingRetry(String contentId) {
        return store.knownPendingRetry(tenantId, contentId);
    }

    /**
     * The record that sets a blob's pending retry, or clears it (null), to be written in the same Kafka transaction as
     * the dead letter or the blob's records.
     */
    public ProducerRecord<String, byte[]> retryMarker(String contentId, PendingRetry retry) {
        return store.retryMarker(tenantId, contentId, retry);
    }

    /** Remembers the pending retry whose marker was committed (null: none any more). */
    public void rememberRetry(String contentId, PendingRetry retry) {
        store.rememberRetry(tenantId, contentId, retry);
    }

    /**
     * When this tenant's last {@code subscriptions/start} request was sent, by any instance, before or after any
     * restart: the state topic read up to now first.
     */
    public Optional<Instant> lastSubscriptionStart() {
        return store.lastSubscriptionStart(tenantId);
    }

    /** Writes down, before the request goes, that a {@code subscriptions/start} request of this tenant is sent now. */
    public void recordSubscriptionStart(Instant at) {
        store.recordSubscriptionStart(tenantId, at);
    }

    /** The gaps of the content type found so far, repaired or not, as this instance last read or wrote them. */
    @Override
    public List<Gap> gaps(String contentType) {
        return store.gaps(tenantId, contentType);
    }

    /** Records a gap just found (written at once: the blobs listed after it leave its records to Graph). */
    @Override
    public void recordGap(Gap gap) {
        store.recordGap(tenantId, gap);
    }

    /** The gap's progress, to send in the transaction of the records that made it. */
    public ProducerRecord<String, byte[]> gapMarker(Gap gap) {
        return store.gapMarker(tenantId, gap);
    }

    /** After the transaction with {@link #gapMarker} committed. */
    public void rememberGap(Gap gap) {
        store.rememberGap(tenantId, gap);
    }

    /**
     * The Kafka timestamp of the tenant's last checkpoint or handled-blob marker that this instance read from the
     * state topic: before a gap is found, when the tenant was last collected.
     */
    @Override
    public Optional<Instant> lastMarked() {
        return store.lastMarked(tenantId);
    }

    /** Reads what other instances wrote to the state topic since this instance last did. */
    public void catchUp() {
        store.catchUp();
    }

    /** The replays asked for, as this instance last read or wrote them. */
    public List<Replay> replays() {
        return store.replays(tenantId);
    }

    /** The replay's progress, to send in the transaction of the records that made it. */
    public ProducerRecord<String, byte[]> replayMarker(Replay replay) {
        return store.replayMarker(tenantId, replay);
    }

    /** After the transaction with {@link #replayMarker} committed. */
    public void rememberReplay(Replay replay) {
        store.rememberReplay(tenantId, replay);
    }

    /** Whether an operator cancelled the replay, as this instance last read the state topic. */
    public boolean replayCancelled(String id) {
        return store.replayCancelled(tenantId, id);
    }
}
