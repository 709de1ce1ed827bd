package io.github.o365auditcamel.listing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.state.Gap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which time windows to list next for a content type: from the cursor, less an overlap that is listed again (the
 * listing is not ordered and a blob may appear late), up to now, in windows of at most 24 hours; never further back
 * than the service keeps content. The first run starts at now minus the initial look-back.
 */
public class ListingWindows {

    private static final Logger LOG = LoggerFactory.getLogger(ListingWindows.class);

    /** The service refuses a start time more than 7 days back. */
    public static final Duration RETENTION = Duration.ofDays(7);
    /** Keeps the oldest start just inside the retention, so clock skew does not make the service refuse it. */
    public static final Duration RETENTION_SAFETY = Duration.ofMinutes(10);
    /**
     * A window the service refused (AF20055) starts again this far inside the retention: a clock up to an hour behind
     * the service's is then still accepted.
     */
    public static final Duration REFUSED_WINDOW_SAFETY = Duration.ofHours(1);
    /** The service refuses windows longer than 24 hours. */
    public static final Duration MAX_WINDOW = Duration.ofHours(24);
    /**
     * A gap repaired through Graph starts this long before the checkpoint: a record created before the checkpoint may
     * have come in a blob made available after it (content can be 12 hours late, rarely 24). Records of that stretch
     * published before the stop are found in Kafka and not published again.
     */
    public static final Duration GAP_LOOKBEHIND = Duration.ofHours(24);
    /** Records published before a stop have Kafka timestamps at most this long after the tenant's last marker. */
    static final Duration LAST_MARKED_MARGIN = Duration.ofMinutes(5);

    private final CheckpointStore checkpoints;
    private final Clock clock;
    private final Duration initialLookback;
    private final Duration overlap;
    /** whether a gap older than the service keeps content is recorded, for Microsoft Graph to repair */
    private final boolean gapRepair;
    /** by content type: the window whose listing stopped part way, and the page to go on from */
    private final Map<String, ListingWindow> deferred = new ConcurrentHashMap<>();

    public ListingWindows(CollectorSettings settings, CheckpointStore checkpoints) {
        this(checkpoints, Clock.systemUTC(), settings.initialLookback(), settings.listingOverlap(),
                settings.gapRepair().enabled());
    }

    public ListingWindows(CheckpointStore checkpoints, Clock clock, Duration initialLookback, Duration overlap) {
        this(checkpoints, clock, initialLookback, overlap, false);
    }

    public ListingWindows(CheckpointStore checkpoints, Clock clock, Duration initialLookback, Duration overlap,
            boolean gapRepair) {
        this.checkpoints = checkpoints;
        this.clock = clock;
        this.initialLookback = initialLookback;
        this.overlap = overlap;
        this.gapRepair = gapRepair;
    }

    /**
     * The windows to list now for a content type, oldest first; empty when there is nothing new to list. A window whose
     * listing stopped part way comes first, to go on from the page it stopped at.
     */
    public List<ListingWindow> next(String contentType) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        ListingWindow resumed = deferred.remove(contentType);
        if (resumed != null) {
            List<ListingWindow> windows = new ArrayList<>();
            windows.add(resumed);
            windows.addAll(windows(resumed.end(), now, initialLookback, overlap));
            return windows;
        }
        Optional<Instant> cursor = checkpoints.cursor(contentType);
        Instant oldestRetrievable = oldestRetrievable(now);
        if (cursor.isPresent() && cursor.get().isBefore(oldestRetrievable)) {
            if (gapRepair) {
                recordGap(contentType, cursor.get(), oldestRetrievable, now);
            } else {
                Duration gap = Duration.between(cursor.get(), oldestRetrievable);
                LOG.warn("{}: CONTENT MAY BE MISSING. The checkpoint {} is older than the {} days the service keeps"
                        + " content; resuming from {}. Up to {} h of content, made available between {} and {}, can"
                        + " no longer be retrieved from the Management Activity API (O365_GAP_REPAIR=graph would query"
                        + " it through Microsoft Graph)", contentType, cursor.get(), RETENTION.toDays(),
                        oldestRetrievable, String.format("%.1f", gap.toMinutes() / 60.0), cursor.get(),
                        oldestRetrievable);
            }
        }
        return windows(cursor.orElse(null), now, initialLookback, overlap);
    }

    /**
     * Records the gap between the checkpoint and the oldest time the service still lists, once, before any window
     * after it is listed: its records are Graph's to publish from now on (route {@code repair-gaps}).
     */
    private void recordGap(String contentType, Instant cursor, Instant oldestRetrievable, Instant now) {
        Instant from = cursor.minus(GAP_LOOKBEHIND);
        Instant publishedBefore = checkpoints.lastMarked().map(at -> at.plus(LAST_MARKED_MARGIN))
                .filter(at -> at.isBefore(now)).orElse(now);
        Gap gap = Gap.found(contentType, from, oldestRetrievable, publishedBefore);
        if (checkpoints.gaps(contentType).stream().anyMatch(known -> known.from().equals(gap.from()))) {
            return;
        }
        checkpoints.recordGap(gap);
        LOG.warn("{}: the checkpoint {} is older than the {} days the service keeps content; resuming from {}. The"
                + " {} h between, records created from {} to {}, are repaired through Microsoft Graph's audit log"
                + " query API (route repair-gaps)", contentType, cursor, RETENTION.toDays(), oldestRetrievable,
                String.format("%.1f", Duration.between(gap.from(), gap.to()).toMinutes() / 60.0), gap.from(),
                gap.to());
    }

    /**
     * The listing of {@code window} stopped at {@code pageUri} ({@link ListingDeferred}): the next listing goes on from
     * that page. Kept in memory only: after a restart the window is listed again from its start, which is cheap
     * (the blobs already handled are known).
     */
    public void deferred(String contentType, ListingWindow window, String pageUri) {
        deferred.put(contentType, window.resumingFrom(pageUri));
    }

    /** Records that everything listed in {@code window} is published: the cursor moves to its end. */
    public void completed(String contentType, ListingWindow window) {
        checkpoints.advance(contentType, window.end());
    }

    /**
     * The window to list instead of one the service refused by its window rules (AF20055, AF20030: start more than 7
     * days back, more than 24 hours long, start not before end, by the service's clock): the same window, from its
     * first page, starting no further back than {@link #REFUSED_WINDOW_SAFETY} inside the retention and ending no later
     * than now. Empty when nothing of it is left to list: the cursor then moves past it, and the log says what may be
     * missing.
     */
    public Optional<ListingWindow> recomputed(String contentType, ListingWindow refused) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant oldest = now.minus(RETENTION).plus(REFUSED_WINDOW_SAFETY);
        Instant start = refused.start().isBefore(oldest) ? oldest : refused.start();
        Instant end = refused.end().isAfter(now) ? now : refused.end();
        if (!start.isBefore(end)) {
            LOG.warn("{}: CONTENT MAY BE MISSING. The service refused the window {} to {}, and none of it is an hour"
                    + " inside the {} days it keeps content any more: skipping it", contentType, refused.start(),
                    refused.end(), RETENTION.toDays());
            return Optional.empty();
        }
        LOG.warn("{}: the service refused the window {} to {} by its window rules (is this machine's clock behind?);"
                + " listing {} to {} from its first page instead", contentType, refused.start(), refused.end(), start,
                end);
        return Optional.of(new ListingWindow(start, end));
    }

    /** The pure arithmetic: windows from the cursor (or the first run's look-back) to now. */
    public static List<ListingWindow> windows(Instant cursor, Instant now, Duration initialLookback, Duration overlap) {
        Instant start = cursor == null ? now.minus(initialLookback) : cursor.minus(overlap);
        Instant oldest = oldestRetrievable(now);
        if (start.isBefore(oldest)) {
            start = oldest;
        }
        List<ListingWindow> windows = new ArrayList<>();
        while (start.isBefore(now)) {
            Instant end = start.plus(MAX_WINDOW);
            if (end.isAfter(now)) {
                end = now;
            }
            windows.add(new ListingWindow(start, end));
            start = end;
        }
        return windows;
    }

    public static Instant oldestRetrievable(Instant now) {
        return now.minus(RETENTION).plus(RETENTION_SAFETY);
    }
}
