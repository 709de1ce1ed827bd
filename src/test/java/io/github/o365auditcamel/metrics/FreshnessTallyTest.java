package io.github.o365auditcamel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * Freshness as an operator reads it: a blob's records tallied while it is sent and recorded once it commits, with the
 * histogram's buckets, count and sum exact, and the poll report's medians and 99th percentiles read from the buckets.
 */
class FreshnessTallyTest {

    private static final long NOW = Instant.parse("2026-12-07T12:00:00Z").getEpochSecond();

    @Test
    void aBlobsRecordsAreCountedOnceInTheRightBucketsWithTheirExactSum() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CollectorMetrics metrics = new CollectorMetrics(registry, List.of("Audit.Exchange"), Clock.systemUTC());
        FreshnessTally tally = new FreshnessTally();
        tally.add("2026-12-07T11:59:30", NOW);           // 30 s
        tally.add("2026-12-07T11:59:00.1234567Z", NOW);  // 60 s: at a bound, in its bucket
        tally.add("2026-12-07T11:50:00", NOW);           // 10 min
        tally.add("2026-12-07T06:00:00", NOW);           // 6 h
        tally.add("2026-11-20T12:00:00", NOW);           // 17 days: past the last bound
        tally.add("not a time", NOW);
        tally.add(null, NOW);
        DistributionSummary freshness = metrics.recordFreshness("Audit.Exchange");
        tally.recordInto(freshness);

        assertEquals(5, freshness.count());
        assertEquals(30 + 60 + 600 + 21_600 + 17 * 86_400, freshness.totalAmount(), 0.001);
        CountAtBucket[] buckets = freshness.takeSnapshot().histogramCounts();
        assertEquals(2, countAt(buckets, 60));       // cumulative: at or under a minute
        assertEquals(3, countAt(buckets, 900));
        assertEquals(4, countAt(buckets, 43_200));
        assertEquals(4, countAt(buckets, 604_800));
    }

    @Test
    void thePollReportReadsMediansAndTheNinetyNinthPercentileFromTheBuckets() {
        CollectorMetrics metrics = new CollectorMetrics(new SimpleMeterRegistry(), List.of("Audit.Exchange"),
                Clock.systemUTC());
        assertNull(metrics.freshness("Audit.Exchange"), "nothing published yet");
        FreshnessTally tally = new FreshnessTally();
        for (int i = 0; i < 98; i++) {
            tally.add("2026-12-07T11:55:00", NOW);      // 5 min
        }
        tally.add("2026-12-07T10:00:00", NOW);          // 2 h
        tally.add("2026-12-01T00:00:00", NOW);          // over 6 days
        tally.recordInto(metrics.recordFreshness("Audit.Exchange"));
        metrics.blobPublishedAfter("Audit.Exchange", Duration.ofMinutes(20));

        assertEquals("records p50 <= 5m, p99 <= 2h; blobs p50 <= 30m, p99 <= 30m", metrics.freshness("Audit.Exchange"));
    }

    @Test
    void creationTimesAreReadAsUtcWithOrWithoutFractionsAndZone() {
        long expected = Instant.parse("2026-12-07T04:12:45Z").getEpochSecond();
        assertEquals(expected, FreshnessTally.epochSecondOf("2026-12-07T04:12:45"));
        assertEquals(expected, FreshnessTally.epochSecondOf("2026-12-07T04:12:45Z"));
        assertEquals(expected, FreshnessTally.epochSecondOf("2026-12-07T04:12:45.1234567"));
        assertEquals(Long.MIN_VALUE, FreshnessTally.epochSecondOf("2026-13-07T04:12:45"));
        assertEquals(Long.MIN_VALUE, FreshnessTally.epochSecondOf("2026-12-07 04:12:45"));
        assertEquals(Long.MIN_VALUE, FreshnessTally.epochSecondOf("2026-12-07"));
    }

    private static double countAt(CountAtBucket[] buckets, double bound) {
        for (CountAtBucket bucket : buckets) {
            if (bucket.bucket() == bound) {
                return bucket.count();
            }
        }
        throw new AssertionError("no bucket " + bound);
    }
}
