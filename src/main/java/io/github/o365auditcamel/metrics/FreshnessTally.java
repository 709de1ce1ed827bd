package io.github.o365auditcamel.metrics;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.DistributionSummary;

/**
 * The freshness of one blob's records (from each record's {@code CreationTime} to the moment it is sent in the blob's
 * transaction), tallied while the blob is published and recorded into {@code o365_record_freshness_seconds} only once
 * its transaction commits: a blob that aborts and is fetched again counts its records once. Bounded whatever the
 * blob's size: per bucket of the histogram, a count and a sum. Each bucket's records are recorded at their mean, which
 * lies in the same bucket, so the histogram's buckets, count and sum are exact; only its max is the largest mean.
 */
public final class FreshnessTally {

    private final long[] counts = new long[CollectorMetrics.FRESHNESS_BOUNDS_SECONDS.length + 1];
    private final double[] sums = new double[counts.length];

    /**
     * Tallies a record created at {@code creationTime} (as served: {@code 2026-12-07T04:12:45}, UTC, with or without
     * fractions and a zone) and sent at {@code nowEpochSecond}; a missing or unreadable time is passed over.
     */
    public void add(String creationTime, long nowEpochSecond) {
        long created = epochSecondOf(creationTime);
        if (created == Long.MIN_VALUE) {
            return;
        }
        double seconds = Math.max(0, nowEpochSecond - created);
        int bucket = 0;
        double[] bounds = CollectorMetrics.FRESHNESS_BOUNDS_SECONDS;
        while (bucket < bounds.length && seconds > bounds[bucket]) {
            bucket++;
        }
        counts[bucket]++;
        sums[bucket] += seconds;
    }

    /** Records the tally into the histogram: once, when the blob's transaction has committed. */
    public void recordInto(DistributionSummary freshness) {
        for (int bucket = 0; bucket < counts.length; bucket++) {
            double mean = counts[bucket] == 0 ? 0 : sums[bucket] / counts[bucket];
            for (long i = 0; i < counts[bucket]; i++) {
                freshness.record(mean);
            }
        }
    }

    /** Seconds since the epoch of {@code yyyy-MM-ddTHH:mm:ss...} read as UTC, or {@link Long#MIN_VALUE}. */
    static long epochSecondOf(String time) {
        if (time == null || time.length() < 19 || time.charAt(4) != '-' || time.charAt(7) != '-'
                || time.charAt(10) != 'T' || time.charAt(13) != ':' || time.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(time, 0, 4);
        int month = digits(time, 5, 2);
        int day = digits(time, 8, 2);
        int hour = digits(time, 11, 2);
        int minute = digits(time, 14, 2);
        int second = digits(time, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return Long.MIN_VALUE;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int digits(String s, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
