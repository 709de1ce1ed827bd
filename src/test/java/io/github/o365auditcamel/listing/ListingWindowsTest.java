package io.github.o365auditcamel.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.o365auditcamel.state.Gap;
import org.junit.jupiter.api.Test;

class ListingWindowsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30Z");
    private static final Duration OVERLAP = Duration.ofHours(1);

    /** A checkpoint store in memory, for the arithmetic only. */
    private static final class MemoryCheckpoints implements CheckpointStore {
        final Map<String, Instant> cursors = new HashMap<>();
        final List<Gap> gaps = new java.util.ArrayList<>();
        Instant lastMarked;

        @Override
        public List<Gap> gaps(String contentType) {
            return gaps.stream().filter(g -> g.contentType().equals(contentType)).toList();
        }

        @Override
        public void recordGap(Gap gap) {
            gaps.add(gap);
        }

        @Override
        public Optional<Instant> lastMarked() {
            return Optional.ofNullable(lastMarked);
        }

        @Override
        public Optional<Instant> cursor(String contentType) {
            return Optional.ofNullable(cursors.get(contentType));
        }

        @Override
        public void advance(String contentType, Instant to) {
            cursors.merge(contentType, to, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    @Test
    void firstRunStartsAtTheInitialLookbackAndTilesUpToNowInDays() {
        List<ListingWindow> windows = ListingWindows.windows(null, NOW, Duration.ofHours(60), OVERLAP);

        assertEquals(3, windows.size());
        assertEquals(NOW.minus(Duration.ofHours(60)), windows.get(0).start());
        assertEquals(NOW, windows.get(windows.size() - 1).end());
        for (int i = 0; i < windows.size(); i++) {
            ListingWindow w = windows.get(i);
            assertTrue(Duration.between(w.start(), w.end()).compareTo(Duration.ofHours(24)) <= 0, "window " + w);
            if (i > 0) {
                assertEquals(windows.get(i - 1).end(), w.start(), "windows tile without gaps");
            }
        }
        assertEquals(Duration.ofHours(12), Duration.between(windows.get(2).start(), windows.get(2).end()));
    }

    @Test
    void firstRunLookbackBeyondRetentionIsClampedToJustUnderSevenDays() {
        List<ListingWindow> windows = ListingWindows.windows(null, NOW, Duration.ofDays(30), OVERLAP);

        Instant oldest = windows.get(0).start();
        assertEquals(NOW.minus(Duration.ofDays(7)).plus(ListingWindows.RETENTION_SAFETY), oldest);
        assertTrue(oldest.isAfter(NOW.minus(Duration.ofDays(7))));
        assertEquals(7, windows.size());
        assertEquals(NOW, windows.get(6).end());
    }

    @Test
    void laterRunsRelistAnOverlapBehindTheCheckpoint() {
        Instant cursor = NOW.minus(Duration.ofMinutes(2));

        List<ListingWindow> windows = ListingWindows.windows(cursor, NOW, Duration.ofDays(7), OVERLAP);

        assertEquals(List.of(new ListingWindow(cursor.minus(OVERLAP), NOW)), windows);
    }

    @Test
    void aCheckpointOlderThanRetentionResumesFromTheOldestRetrievablePoint() {
        Instant cursor = NOW.minus(Duration.ofDays(12));

        List<ListingWindow> windows = ListingWindows.windows(cursor, NOW, Duration.ofDays(7), OVERLAP);

        assertEquals(ListingWindows.oldestRetrievable(NOW), windows.get(0).start());
    }

    @Test
    void nothingToListWhenTheCheckpointIsNowAndThereIsNoOverlap() {
        assertTrue(ListingWindows.windows(NOW, NOW, Duration.ofDays(7), Duration.ZERO).isEmpty());
    }

    @Test
    void completingAWindowMovesTheCheckpointToItsEndAndTheNextPollStartsFromThere() {
        MemoryCheckpoints store = new MemoryCheckpoints();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ListingWindows listing = new ListingWindows(store, clock, Duration.ofHours(30), OVERLAP);

        List<ListingWindow> first = listing.next("Audit.Exchange");
        assertEquals(2, first.size());
        listing.completed("Audit.Exchange", first.get(0));
        assertEquals(Optional.of(first.get(0).end()), store.cursor("Audit.Exchange"));

        // the second window failed: the next poll lists again from the first window's end, less the overlap
        List<ListingWindow> retry = listing.next("Audit.Exchange");
        assertEquals(first.get(0).end().minus(OVERLAP), retry.get(0).start());
        assertEquals(NOW, retry.get(retry.size() - 1).end());
        assertTrue(store.cursor("Audit.General").isEmpty(), "each content type has its own checkpoint");
    }

    @Test
    void windowsUseWholeSeconds() {
        Clock clock = Clock.fixed(NOW.plusMillis(789), ZoneOffset.UTC);
        ListingWindows listing = new ListingWindows(new MemoryCheckpoints(), clock, Duration.ofHours(1), OVERLAP);

        assertEquals(NOW, listing.next("DLP.All").get(0).end());
    }

    @Test
    void aRefusedWindowIsListedAgainFromAnHourInsideTheRetentionFromItsFirstPage() {
        ListingWindows windows = new ListingWindows(new MemoryCheckpoints(), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofDays(7), OVERLAP);
        Instant oldest = NOW.minus(Duration.ofDays(7));
        ListingWindow refused = new ListingWindow(oldest.plus(Duration.ofMinutes(10)), oldest.plus(Duration.ofHours(24)))
                .resumingFrom("https://manage.office.com/api/v1.0/t/activity/feed/subscriptions/content?nextPage=x");

        ListingWindow instead = windows.recomputed("Audit.General", refused).orElseThrow();

        assertEquals(new ListingWindow(oldest.plus(Duration.ofHours(1)), refused.end()), instead);
        assertEquals(null, instead.resumePageUri(), "from its first page: the refused page named the old start");
    }

    @Test
    void aRefusedWindowWithinTheRetentionKeepsItsStartAndEndsNoLaterThanNow() {
        ListingWindows windows = new ListingWindows(new MemoryCheckpoints(), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofDays(7), OVERLAP);
        ListingWindow refused = new ListingWindow(NOW.minus(Duration.ofHours(3)), NOW.plus(Duration.ofMinutes(5)));

        assertEquals(Optional.of(new ListingWindow(refused.start(), NOW)), windows.recomputed("DLP.All", refused));
    }

    @Test
    void aRefusedWindowNoLongerRetrievableIsSkipped() {
        ListingWindows windows = new ListingWindows(new MemoryCheckpoints(), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofDays(7), OVERLAP);
        Instant oldest = NOW.minus(Duration.ofDays(7));
        ListingWindow refused = new ListingWindow(oldest.minus(Duration.ofHours(2)), oldest.plus(Duration.ofMinutes(30)));

        assertEquals(Optional.empty(), windows.recomputed("Audit.Exchange", refused));
    }

    @Test
    void aCheckpointOlderThanTheRetentionRecordsItsGapOnceForGraphWhenGapRepairIsOn() {
        MemoryCheckpoints checkpoints = new MemoryCheckpoints();
        Instant stopped = NOW.minus(Duration.ofDays(20));
        checkpoints.advance("Audit.Exchange", stopped);
        checkpoints.lastMarked = stopped.plusSeconds(30);
        ListingWindows windows = new ListingWindows(checkpoints, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofHours(1), OVERLAP, true);

        List<ListingWindow> listed = windows.next("Audit.Exchange");
        windows.next("Audit.Exchange");

        Instant oldest = ListingWindows.oldestRetrievable(NOW);
        assertEquals(oldest, listed.get(0).start(), "the Management API is listed from the oldest it keeps");
        assertEquals(1, checkpoints.gaps.size(), "recorded once, however often listed before the cursor moves");
        Gap gap = checkpoints.gaps.get(0);
        assertEquals(stopped.minus(ListingWindows.GAP_LOOKBEHIND), gap.from(), "records of late blobs included");
        assertEquals(oldest, gap.to(), "up to where the listing takes over");
        assertEquals(checkpoints.lastMarked.plus(ListingWindows.LAST_MARKED_MARGIN), gap.publishedBefore());
        assertEquals(gap.from(), gap.repairedTo());
    }

    @Test
    void withGapRepairOffAnOldCheckpointIsOnlyLogged() {
        MemoryCheckpoints checkpoints = new MemoryCheckpoints();
        checkpoints.advance("Audit.Exchange", NOW.minus(Duration.ofDays(20)));
        ListingWindows windows = new ListingWindows(checkpoints, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofHours(1), OVERLAP);

        windows.next("Audit.Exchange");

        assertEquals(List.of(), checkpoints.gaps);
    }
}
