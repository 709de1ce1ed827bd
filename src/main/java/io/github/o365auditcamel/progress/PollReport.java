package io.github.o365auditcamel.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.listing.CheckpointStore;
import io.github.o365auditcamel.listing.ListingWindow;
import io.github.o365auditcamel.metrics.CollectorMetrics;

/**
 * Counts, per tenant and content type, what the listing leader listed in a poll cycle and what this instance's
 * fetchers published since the previous cycle, for the one line logged after each cycle, and totals for anyone who
 * wants them (tests, the demo).
 */
public class PollReport {

    private static final class Counts {
        final AtomicLong listed = new AtomicLong();
        final AtomicLong blobs = new AtomicLong();
        final AtomicLong records = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong deadLettered = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong totalBlobs = new AtomicLong();
        final AtomicLong totalRecords = new AtomicLong();
        volatile Instant cycleStart;
    }

    /** A listing window ending further behind now than this means a backlog is being caught up. */
    static final Duration CATCHING_UP = Duration.ofHours(1);

    private final Function<String, CheckpointStore> checkpoints;
    private final Function<String, Function<String, String>> freshness;
    private final Clock clock;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();

    /**
     * @param checkpoints each tenant's cursors, by tenant name
     * @param freshness each tenant's freshness of a content type ({@link CollectorMetrics#freshness}), by tenant name
     */
    public PollReport(Function<String, CheckpointStore> checkpoints,
            Function<String, Function<String, String>> freshness) {
        this(checkpoints, freshness, Clock.systemUTC());
    }

    public PollReport(Function<String, CheckpointStore> checkpoints,
            Function<String, Function<String, String>> freshness, Clock clock) {
        this.checkpoints = checkpoints;
        this.freshness = freshness;
        this.clock = clock;
    }

    private Counts of(String tenant, String contentType) {
        return counts.computeIfAbsent(tenant + "|" + contentType, k -> new Counts());
    }

    /**
     * How log lines name a tenant's content type: {@code Audit.Exchange} for the one tenant of a configuration without
     * {@code o365.tenants}, {@code contoso Audit.Exchange} otherwise.
     */
    public static String label(String tenant, String contentType) {
        return CollectorSettings.DEFAULT_TENANT.equals(tenant) ? contentType : tenant + " " + contentType;
    }

    public void cycleStarted(String tenant, String contentType) {
        Counts c = of(tenant, contentType);
        c.listed.set(0);
        c.cycleStart = clock.instant();
    }

    /** A blob listed and handed to the fetchers. */
    public void blobListed(String tenant, String contentType) {
        of(tenant, contentType).listed.incrementAndGet();
    }

    public void blobPublished(String tenant, String contentType, long records, long duplicates) {
        Counts c = of(tenant, contentType);
        c.blobs.incrementAndGet();
        c.records.addAndGet(records);
        c.duplicates.addAndGet(duplicates);
        c.totalBlobs.incrementAndGet();
        c.totalRecords.addAndGet(records);
    }

    public void blobDeadLettered(String tenant, String contentType) {
        of(tenant, contentType).deadLettered.incrementAndGet();
    }

    public void blobSkipped(String tenant, String contentType) {
        of(tenant, contentType).skipped.incrementAndGet();
    }

    /**
     * The line logged after a cycle: blobs listed, blobs and records this instance published since the last such
     * line, the checkpoint and how far behind now it is, and how fresh the records and blobs it published were
     * (medians and 99th percentiles of {@code o365_record_freshness_seconds} and {@code o365_blob_freshness_seconds}).
     */
    public String cycleCompleted(String tenant, String contentType) {
        Counts c = of(tenant, contentType);
        Instant now = clock.instant();
        String checkpoint = checkpoints.apply(tenant).cursor(contentType)
                .map(cursor -> cursor + " (" + human(Duration.between(cursor, now)) + " behind)")
                .orElse("none yet");
        long millis = c.cycleStart == null ? 0 : Duration.between(c.cycleStart, now).toMillis();
        String duplicates = c.duplicates.get() == 0 ? "" : " (" + c.duplicates.get() + " copies served twice dropped)";
        if (c.deadLettered.get() > 0 || c.skipped.get() > 0) {
            duplicates += "; " + c.deadLettered.get() + " blobs dead-lettered, " + c.skipped.get()
                    + " gone or expired";
        }
        String line = String.format("%s: %d blobs listed in %.1f s; %d blobs, %d records published%s since the last"
                        + " poll; checkpoint %s; total %d blobs, %d records", label(tenant, contentType), c.listed.get(),
                millis / 1000.0, c.blobs.getAndSet(0), c.records.getAndSet(0), duplicates, checkpoint,
                c.totalBlobs.get(), c.totalRecords.get());
        String fresh = freshness.apply(tenant).apply(contentType);
        if (fresh != null) {
            line += "; freshness " + fresh;
        }
        c.duplicates.set(0);
        c.deadLettered.set(0);
        c.skipped.set(0);
        return line;
    }

    /**
     * After each listing window: while catching up a backlog (the window ends more than {@link #CATCHING_UP} behind
     * now), one line saying how far behind the collector still is; null otherwise, when there is nothing to say.
     */
    public String windowCompleted(String tenant, String contentType, ListingWindow window) {
        Duration behind = Duration.between(window.end(), clock.instant());
        if (behind.compareTo(CATCHING_UP) <= 0) {
            return null;
        }
        Counts c = of(tenant, contentType);
        return String.format("%s: catching up, %s behind: listed up to %s; %d blobs listed so far in this poll",
                label(tenant, contentType), human(behind), window.end(), c.listed.get());
    }

    static String human(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return String.format("%.1f h", seconds / 3600.0);
    }
}
