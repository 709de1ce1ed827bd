package io.github.o365auditcamel.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.o365auditcamel.listing.CheckpointStore;
import io.github.o365auditcamel.listing.ListingWindow;

/**
 * Counts what each poll cycle of a content type published, for the one line logged after each cycle and for
 * anyone who wants totals (tests, the demo).
 */
public class PollReport {

    private static final class Counts {
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

    private final CheckpointStore checkpoints;
    private final Clock clock;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();

    public PollReport(CheckpointStore checkpoints) {
        this(checkpoints, Clock.systemUTC());
    }

    public PollReport(CheckpointStore checkpoints, Clock clock) {
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    private Counts of(String contentType) {
        return counts.computeIfAbsent(contentType, k -> new Counts());
    }

    public void cycleStarted(String contentType) {
        Counts c = of(contentType);
        c.blobs.set(0);
        c.records.set(0);
        c.duplicates.set(0);
        c.deadLettered.set(0);
        c.skipped.set(0);
        c.cycleStart = clock.instant();
    }

    public void blobPublished(String contentType, long records, long duplicates) {
        Counts c = of(contentType);
        c.blobs.incrementAndGet();
        c.records.addAndGet(records);
        c.duplicates.addAndGet(duplicates);
        c.totalBlobs.incrementAndGet();
        c.totalRecords.addAndGet(records);
    }

    public void blobDeadLettered(String contentType) {
        of(contentType).deadLettered.incrementAndGet();
    }

    public void blobSkipped(String contentType) {
        of(contentType).skipped.incrementAndGet();
    }

    /** The line logged after a cycle: blobs and records published, checkpoint and how far behind now it is. */
    public String cycleCompleted(String contentType) {
        Counts c = of(contentType);
        Instant now = clock.instant();
        String checkpoint = checkpoints.cursor(contentType)
                .map(cursor -> cursor + " (" + human(Duration.between(cursor, now)) + " behind)")
                .orElse("none yet");
        long millis = c.cycleStart == null ? 0 : Duration.between(c.cycleStart, now).toMillis();
        String duplicates = c.duplicates.get() == 0 ? "" : " (" + c.duplicates.get() + " copies served twice dropped)";
        if (c.deadLettered.get() > 0 || c.skipped.get() > 0) {
            duplicates += "; " + c.deadLettered.get() + " blobs dead-lettered, " + c.skipped.get()
                    + " gone or expired";
        }
        return String.format("%s: %d blobs, %d records published%s in %.1f s; checkpoint %s; total %d blobs, %d records",
                contentType, c.blobs.get(), c.records.get(), duplicates, millis / 1000.0, checkpoint,
                c.totalBlobs.get(), c.totalRecords.get());
    }

    /**
     * After each listing window: while catching up a backlog (the window ends more than {@link #CATCHING_UP} behind
     * now), one line saying how far behind the collector still is; null otherwise, when there is nothing to say.
     */
    public String windowCompleted(String contentType, ListingWindow window) {
        Duration behind = Duration.between(window.end(), clock.instant());
        if (behind.compareTo(CATCHING_UP) <= 0) {
            return null;
        }
        Counts c = of(contentType);
        return String.format("%s: catching up, %s behind: listed up to %s; %d blobs, %d records so far in this poll",
                contentType, human(behind), window.end(), c.blobs.get(), c.records.get());
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
