package io.github.o365auditcamel.simulator;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's blob GETs planned to fail ({@link ManagementApiSimulator#failBlob}): per blob, the kind of failure and
 * how many more GETs get it, used up one per GET, atomically; and how many GETs each blob had failed so far.
 */
final class PlannedBlobFailures {

    /** {@code remaining} more GETs fail ({@link Integer#MAX_VALUE} = until healed). */
    private record Plan(BlobFailure kind, int remaining) {
    }

    private final ConcurrentHashMap<String, Plan> plans = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> failed = new ConcurrentHashMap<>();

    /** The next {@code times} GETs of the blob fail that way (0: none), replacing what was pending. */
    void plan(String contentId, BlobFailure kind, int times) {
        if (times == 0) {
            plans.remove(contentId);
        } else {
            plans.put(contentId, new Plan(kind, times));
        }
    }

    /** No more failures for the blob. */
    void heal(String contentId) {
        plans.remove(contentId);
    }

    /** How many GETs of the blob failed so far. */
    int failedCount(String contentId) {
        AtomicInteger c = failed.get(contentId);
        return c == null ? 0 : c.get();
    }

    /** Uses up one pending failure of that blob, atomically, and counts it; null if none is pending. */
    BlobFailure claim(String contentId) {
        BlobFailure[] claimed = new BlobFailure[1];
        plans.computeIfPresent(contentId, (id, plan) -> {
            claimed[0] = plan.kind();
            if (plan.remaining() == Integer.MAX_VALUE) {
                return plan;
            }
            return plan.remaining() <= 1 ? null : new Plan(plan.kind(), plan.remaining() - 1);
        });
        if (claimed[0] != null) {
            failed.computeIfAbsent(contentId, k -> new AtomicInteger()).incrementAndGet();
        }
        return claimed[0];
    }
}
