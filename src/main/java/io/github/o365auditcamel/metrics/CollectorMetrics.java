package io.github.o365auditcamel.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.github.o365auditcamel.api.ApiOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.CountAtBucket;

/**
 * One tenant's metrics, per content type, in the Micrometer registry that Camel serves at
 * {@code /observe/metrics} next to its route metrics. Every one carries the tenant's name as {@code tenant}
 * ({@code default} for a configuration without {@code o365.tenants}). In Prometheus form:
 * <ul>
 * <li>{@code o365_records_published_total}, {@code o365_blobs_fetched_total}, {@code o365_fetched_bytes_total}
 * (the blob's JSON as read, after gzip), by {@code content_type};</li>
 * <li>{@code o365_api_requests_total} by {@code content_type}, {@code outcome} (success, retry, fatal, ...),
 * {@code code} (the AF code, or none) and {@code status} (HTTP); {@code o365_api_throttled_total};</li>
 * <li>{@code o365_token_refreshes_total} by {@code result};</li>
 * <li>{@code o365_blobs_deadlettered_total} by {@code content_type} and {@code retried},
 * {@code o365_records_deadlettered_total} (too long for Kafka) and
 * {@code o365_blobs_skipped_total} (gone or expired);</li>
 * <li>{@code o365_checkpoint_lag_seconds}: how far behind now the listing's checkpoint is, by {@code content_type}:
 * the time up to which every blob the service made available is handed to the fetchers. A poll that lists up to now
 * brings it back to about the poll interval, blobs or none, so a quiet content type is not behind; it grows while
 * polls fail or a backlog is caught up. Reported by the instance that lists the tenant, NaN on the others (and before
 * the first poll), so that {@code max} over the instances is the tenant's. The fetchers' own backlog is the Kafka
 * consumer lag of the content-refs topic ({@code kafka_consumer_fetch_manager_records_lag_max});</li>
 * <li>{@code o365_tenant_ready}: 1 while the tenant collects everything it is configured for, else 0.</li>
 * </ul>
 */
public class CollectorMetrics {

    private static final String CONTENT_TYPE = "content_type";
    /**
     * The upper bounds of the freshness histograms' buckets, in seconds: 1, 5, 15 and 30 minutes, 1, 2, 4 and 12 hours,
     * 1, 3 and 7 days. Few and fixed, so that a tenant costs a dozen numbers per content type, not a sketch.
     */
    public static final double[] FRESHNESS_BOUNDS_SECONDS =
            {60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200, 604800};
    private static final String TENANT = "tenant";

    private final MeterRegistry registry;
    private final String tenant;
    private final Clock clock;
    private final List<String> contentTypes;

    public CollectorMetrics(MeterRegistry registry, List<String> contentTypes, Clock clock) {
        this(registry, io.github.o365auditcamel.config.CollectorSettings.DEFAULT_TENANT, contentTypes, clock);
    }

    public CollectorMetrics(MeterRegistry registry, String tenant, List<String> contentTypes, Clock clock) {
        this.registry = registry;
        this.tenant = tenant;
        this.clock = clock;
        this.contentTypes = List.copyOf(contentTypes);
        // every counter shows from the start, at 0: an alert on increase() sees its first step
        for (String contentType : contentTypes) {
            recordsPublished(contentType);
            blobsFetched(contentType);
            bytesFetched(contentType);
            deadLettered(contentType, true);
            deadLettered(contentType, false);
            skipped(contentType);
            deferred(contentType);
            recordsDeadLettered(contentType);
            refetched(contentType);
            throttled(contentType);
            recordFreshness(contentType);
            blobFreshness(contentType);
        }
        tokenRequests(true);
        tokenRequests(false);
    }

    /**
     * The gauges {@code o365_checkpoint_lag_seconds}, one per content type: now minus the checkpoint while
     * {@code listing} says this instance lists the tenant, NaN otherwise.
     *
     * @param checkpoints the checkpoint of a content type as this instance knows it, without asking Kafka
     */
    public void checkpointLag(Function<String, Optional<Instant>> checkpoints, BooleanSupplier listing) {
        for (String contentType : contentTypes) {
            Gauge.builder("o365.checkpoint.lag", () -> lagSeconds(listing, checkpoints.apply(contentType)))
                    .description("How far behind now the listing's checkpoint is (NaN on instances that do not list)")
                    .baseUnit("seconds")
                    .tag(TENANT, tenant)
                    .tag(CONTENT_TYPE, contentType)
                    .strongReference(true)
                    .register(registry);
        }
    }

    /**
     * The gauge {@code o365_tenant_ready}: 1 while the tenant collects everything it is configured for (token,
     * subscriptions, no content type stopped by a fatal answer), 0 otherwise; to alert on one tenant of several.
     */
    public void tenantReady(BooleanSupplier ready) {
        Gauge.builder("o365.tenant.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the tenant collects everything it is configured for, 0 otherwise")
                .tag(TENANT, tenant)
                // Micrometer holds a gauge's object weakly: the supplier lives only here
                .strongReference(true)
                .register(registry);
    }

    /**
     * Takes the tenant's meters out of the registry: a tenant no longer collected is no longer reported (its counters
     * start again from 0 if it comes back, which {@code increase()} and {@code rate()} take as a restart).
     */
    public void remove() {
        for (Meter meter : List.copyOf(registry.getMeters())) {
            if (meter.getId().getName().startsWith("o365.") && tenant.equals(meter.getId().getTag(TENANT))) {
                registry.remove(meter);
            }
        }
    }

    /** A blob's records are in Kafka. */
    public void blobPublished(String contentType, long records, long bytes) {
        recordsPublished(contentType).increment(records);
        blobsFetched(contentType).increment();
        bytesFetched(contentType).increment(bytes);
    }

    /**
     * The histogram {@code o365_record_freshness_seconds}: from a record's {@code CreationTime} to its publication (see
     * {@link FreshnessTally}).
     */
    public DistributionSummary recordFreshness(String contentType) {
        return freshness("o365.record.freshness", "Seconds from an audit record's CreationTime to its publication",
                contentType);
    }

    /** A blob was published this long after the service made it available ({@code contentCreated}). */
    public void blobPublishedAfter(String contentType, Duration sinceContentCreated) {
        blobFreshness(contentType).record(Math.max(0, sinceContentCreated.toMillis() / 1000.0));
    }

    /**
     * For the poll report: the median and 99th percentile of both freshness histograms, each as the bucket bound it
     * falls under ({@code records p50 <= 15m, p99 <= 2h; blobs p50 <= 5m, p99 <= 1h}); null before the first record.
     */
    public String freshness(String contentType) {
        DistributionSummary records = recordFreshness(contentType);
        if (records.count() == 0) {
            return null;
        }
        return "records " + percentiles(records) + "; blobs " + percentiles(blobFreshness(contentType));
    }

    private static String percentiles(DistributionSummary summary) {
        CountAtBucket[] buckets = summary.takeSnapshot().histogramCounts();
        return "p50 " + bucketBound(buckets, summary.count(), 0.5) + ", p99 " + bucketBound(buckets, summary.count(), 0.99);
    }

    /** The smallest bucket bound with at least {@code quantile} of the values at or under it (cumulative counts). */
    static String bucketBound(CountAtBucket[] buckets, long total, double quantile) {
        if (total == 0) {
            return "-";
        }
        for (CountAtBucket bucket : buckets) {
            if (bucket.count() >= quantile * total) {
                return "<= " + humanSeconds(bucket.bucket());
            }
        }
        return "> " + humanSeconds(FRESHNESS_BOUNDS_SECONDS[FRESHNESS_BOUNDS_SECONDS.length - 1]);
    }

    private static String humanSeconds(double seconds) {
        long s = Math.round(seconds);
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private DistributionSummary blobFreshness(String contentType) {
        return freshness("o365.blob.freshness", "Seconds from a blob's contentCreated to its publication",
                contentType);
    }

    private DistributionSummary freshness(String name, String description, String contentType) {
        return DistributionSummary.builder(name).description(description).baseUnit("seconds")
                .serviceLevelObjectives(FRESHNESS_BOUNDS_SECONDS)
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    /** A blob went to the dead-letter topic; {@code retried}: it will be fetched again from there. */
    public void blobDeadLettered(String contentType, boolean retried) {
        deadLettered(contentType, retried).increment();
    }

    /** Records of a published blob that were too long for Kafka went to the dead-letter topic instead. */
    public void recordsDeadLettered(String contentType, long records) {
        recordsDeadLettered(contentType).increment(records);
    }

    /** A blob the service no longer has (gone, expired) was skipped. */
    public void blobSkipped(String contentType) {
        skipped(contentType).increment();
    }

    /** A blob whose GET was throttled was deferred, to be fetched again shortly. */
    public void blobDeferred(String contentType) {
        deferred(contentType).increment();
    }

    /**
     * A blob's transaction was aborted because it shared records with another blob published at the same moment
     * ({@code ConcurrentCopyException}): it is fetched again.
     */
    public void blobRefetchedForSharedRecords(String contentType) {
        refetched(contentType).increment();
    }

    /**
     * Records of a gap published through Microsoft Graph ({@code o365_gap_records_repaired_total}); {@code inKafka}:
     * records the query found that were already published before the stop, and were not published again.
     */
    public void gapRepaired(String contentType, long records, long inKafka) {
        gapRecords(contentType, "published").increment(records);
        gapRecords(contentType, "already-in-kafka").increment(inKafka);
    }

    /**
     * Records of a fetched blob that lie in a gap under repair: Graph publishes them, so the blob leaves them out
     * ({@code o365_gap_records_left_to_graph_total}).
     */
    public void recordsLeftToGapRepair(String contentType, long records) {
        Counter.builder("o365.gap.records.left.to.graph")
                .description("Records of fetched blobs whose CreationTime lies in a gap under repair: Graph publishes"
                        + " them")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry).increment(records);
    }

    /** Records published again by replays ({@code o365_replay_records_total}). */
    public void recordsReplayed(long records) {
        Counter.builder("o365.replay.records").description("Records published again by replays (bin/replay)")
                .tag(TENANT, tenant).register(registry).increment(records);
    }

    /** One Microsoft Graph audit log query of a gap repair: {@code succeeded}, {@code split}, {@code failed}. */
    public void gapQuery(String contentType, String outcome) {
        Counter.builder("o365.gap.queries").description("Microsoft Graph audit log queries of gap repairs, by outcome")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).tag("outcome", outcome).register(registry)
                .increment();
    }

    private Counter gapRecords(String contentType, String outcome) {
        return Counter.builder("o365.gap.records.repaired")
                .description("Records of gaps older than the service keeps content, found through Microsoft Graph:"
                        + " published, or already in Kafka")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).tag("outcome", outcome).register(registry);
    }

    /** One answer of the Management Activity API, classified. */
    public void apiResponse(String contentType, ApiOutcome outcome, String code, int status) {
        String type = contentType == null ? "none" : contentType;
        Counter.builder("o365.api.requests").description("Management Activity API answers, classified")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, type).tag("outcome", outcome.name().toLowerCase())
                .tag("code", code == null ? "none" : code).tag("status", Integer.toString(status))
                .register(registry).increment();
        if ("AF429".equals(code) || status == 429) {
            throttled(type).increment();
        }
    }

    /** A token request to the login host: {@code success} or {@code failure}. */
    public void tokenRequested(boolean success) {
        tokenRequests(success).increment();
    }

    private Counter tokenRequests(boolean success) {
        return Counter.builder("o365.token.refreshes").description("Token requests to the login host, by result")
                .tag(TENANT, tenant).tag("result", success ? "success" : "failure").register(registry);
    }

    private Counter deadLettered(String contentType, boolean retried) {
        return Counter.builder("o365.blobs.deadlettered")
                .description("Blobs sent to the dead-letter topic; retried: fetched again from there later")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).tag("retried", String.valueOf(retried))
                .register(registry);
    }

    private Counter recordsDeadLettered(String contentType) {
        return Counter.builder("o365.records.deadlettered")
                .description("Records too long for Kafka (O365_MAX_RECORD_BYTES) sent to the dead-letter topic")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private Counter skipped(String contentType) {
        return Counter.builder("o365.blobs.skipped").description("Blobs the service no longer has (gone, expired)")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private Counter deferred(String contentType) {
        return Counter.builder("o365.blobs.deferred")
                .description("Blobs whose GET was throttled, deferred to be fetched again shortly")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private Counter refetched(String contentType) {
        return Counter.builder("o365.blobs.refetched")
                .description("Blobs fetched again because they shared records with a blob published at the same time")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).tag("reason", "shared-records")
                .register(registry);
    }

    private Counter throttled(String contentType) {
        return Counter.builder("o365.api.throttled").description("Management Activity API calls throttled (AF429)")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private Counter recordsPublished(String contentType) {
        return Counter.builder("o365.records.published").description("Audit records published to Kafka")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private Counter blobsFetched(String contentType) {
        return Counter.builder("o365.blobs.fetched").description("Content blobs fetched and published")
                .tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private Counter bytesFetched(String contentType) {
        return Counter.builder("o365.fetched.bytes").description("Bytes of blob JSON read (after gzip)")
                .baseUnit("bytes").tag(TENANT, tenant).tag(CONTENT_TYPE, contentType).register(registry);
    }

    private double lagSeconds(BooleanSupplier listing, Optional<Instant> checkpoint) {
        if (!listing.getAsBoolean() || checkpoint.isEmpty()) {
            return Double.NaN;
        }
        return Math.max(0, clock.millis() - checkpoint.get().toEpochMilli()) / 1000.0;
    }
}
