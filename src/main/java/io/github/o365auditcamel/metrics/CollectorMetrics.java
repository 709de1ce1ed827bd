package io.github.o365auditcamel.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.github.o365auditcamel.api.ApiOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

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
 * <li>{@code o365_blobs_deadlettered_total} by {@code content_type} and {@code retried}, and
 * {@code o365_blobs_skipped_total} (gone or expired);</li>
 * <li>{@code o365_checkpoint_lag_seconds}: now minus the {@code contentCreated} of the newest blob completed
 * (published, dead-lettered or skipped), by {@code content_type}; NaN until the first one;</li>
 * <li>{@code o365_tenant_ready}: 1 while the tenant collects everything it is configured for, else 0.</li>
 * </ul>
 */
public class CollectorMetrics {

    private static final String CONTENT_TYPE = "content_type";
    private static final String TENANT = "tenant";

    private final MeterRegistry registry;
    private final String tenant;
    private final Clock clock;
    private final Map<String, AtomicLong> newestCompleted = new ConcurrentHashMap<>();

    public CollectorMetrics(MeterRegistry registry, List<String> contentTypes, Clock clock) {
        this(registry, io.github.o365auditcamel.config.CollectorSettings.DEFAULT_TENANT, contentTypes, clock);
    }

    public CollectorMetrics(MeterRegistry registry, String tenant, List<String> contentTypes, Clock clock) {
        this.registry = registry;
        this.tenant = tenant;
        this.clock = clock;
        for (String contentType : contentTypes) {
            AtomicLong newest = newestCompleted.computeIfAbsent(contentType, t -> new AtomicLong(Long.MIN_VALUE));
            Gauge.builder("o365.checkpoint.lag", newest, this::lagSeconds)
                    .description("Now minus the contentCreated of the newest blob completed")
                    .baseUnit("seconds")
                    .tag(TENANT, tenant)
                    .tag(CONTENT_TYPE, contentType)
                    .register(registry);
            // every content type shows from the start, with 0 until it has published something
            recordsPublished(contentType);
            blobsFetched(contentType);
            bytesFetched(contentType);
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

    /** A blob's records are in Kafka. */
    public void blobPublished(String contentType, long records, long bytes, Instant contentCreated) {
        recordsPublished(contentType).increment(records);
        blobsFetched(contentType).increment();
        bytesFetched(contentType).increment(bytes);
        completed(contentType, contentCreated);
    }

    /** A blob went to the dead-letter topic; {@code retried}: it will be fetched again from there. */
    public void blobDeadLettered(String contentType, boolean retried, Instant contentCreated) {
        registry.counter("o365.blobs.deadlettered", TENANT, tenant, CONTENT_TYPE, contentType,
                "retried", String.valueOf(retried))
                .increment();
        completed(contentType, contentCreated);
    }

    /** A blob the service no longer has (gone, expired) was skipped. */
    public void blobSkipped(String contentType, Instant contentCreated) {
        registry.counter("o365.blobs.skipped", TENANT, tenant, CONTENT_TYPE, contentType).increment();
        completed(contentType, contentCreated);
    }

    /**
     * A blob's transaction was aborted because it shared records with another blob published at the same moment
     * ({@code ConcurrentCopyException}): it is fetched again.
     */
    public void blobRefetchedForSharedRecords(String contentType) {
        registry.counter("o365.blobs.refetched", TENANT, tenant, CONTENT_TYPE, contentType,
                "reason", "shared-records").increment();
    }

    /** One answer of the Management Activity API, classified. */
    public void apiResponse(String contentType, ApiOutcome outcome, String code, int status) {
        String type = contentType == null ? "none" : contentType;
        registry.counter("o365.api.requests", TENANT, tenant, CONTENT_TYPE, type,
                "outcome", outcome.name().toLowerCase(),
                "code", code == null ? "none" : code, "status", Integer.toString(status)).increment();
        if ("AF429".equals(code) || status == 429) {
            registry.counter("o365.api.throttled", TENANT, tenant, CONTENT_TYPE, type).increment();
        }
    }

    /** A token request to the login host: {@code success} or {@code failure}. */
    public void tokenRequested(boolean success) {
        registry.counter("o365.token.refreshes", TENANT, tenant, "result", success ? "success" : "failure").increment();
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

    private void completed(String contentType, Instant contentCreated) {
        if (contentCreated != null) {
            newestCompleted.computeIfAbsent(contentType, t -> new AtomicLong(Long.MIN_VALUE))
                    .accumulateAndGet(contentCreated.toEpochMilli(), Math::max);
        }
    }

    private double lagSeconds(AtomicLong newest) {
        long millis = newest.get();
        return millis == Long.MIN_VALUE ? Double.NaN : Math.max(0, clock.millis() - millis) / 1000.0;
    }
}
