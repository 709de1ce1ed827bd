package io.github.o365auditcamel.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RecentRecordIdsTest {

    @Test
    void anIdSeenWithinTheWindowIsADuplicate() {
        RecentRecordIds ids = new RecentRecordIds(10, 1000);
        String id = UUID.randomUUID().toString();

        assertFalse(ids.seenBefore(id, 0));
        assertTrue(ids.seenBefore(id, 999));
        assertTrue(ids.seenBefore(id.toUpperCase(), 999), "GUIDs compare case-insensitively");
        assertFalse(ids.seenBefore(id, 1000), "forgotten once the window has passed");
    }

    @Test
    void theOldestIdIsForgottenWhenFull() {
        RecentRecordIds ids = new RecentRecordIds(3, Long.MAX_VALUE / 2);
        ids.seenBefore("a", 0);
        ids.seenBefore("b", 0);
        ids.seenBefore("c", 0);

        assertFalse(ids.seenBefore("d", 0));
        assertEquals(3, ids.size());
        assertFalse(ids.seenBefore("a", 0), "a was the oldest");
        assertTrue(ids.seenBefore("c", 0));
    }

    @Test
    void behavesLikeABoundedFirstInFirstOutSetUnderRandomUse() {
        int capacity = 1000;
        RecentRecordIds ids = new RecentRecordIds(capacity, Long.MAX_VALUE / 2);
        Deque<String> order = new ArrayDeque<>();
        Set<String> model = new HashSet<>();
        Random random = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            // a small universe, so that repeats and evictions both happen often
            String id = new UUID(random.nextInt(3000), 42).toString();
            boolean expected = model.contains(id);
            assertEquals(expected, ids.seenBefore(id, i), "step " + i);
            if (!expected) {
                if (model.size() == capacity) {
                    model.remove(order.removeFirst());
                }
                order.addLast(id);
                model.add(id);
            }
        }
        assertEquals(model.size(), ids.size());
    }

    @Test
    void anAbortedBlobsIdsAreForgottenAndEarlierBlobsIdsKept() {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        Set<String> committed = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String id = UUID.randomUUID().toString();
            committed.add(id);
            ids.seenBefore(id, 0);
        }
        long mark = ids.mark();
        Set<String> aborted = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = UUID.randomUUID().toString();
            aborted.add(id);
            ids.seenBefore(id, 0);
        }

        ids.forgetSince(mark);

        assertEquals(300, ids.size());
        for (String id : committed) {
            assertTrue(ids.seenBefore(id, 0), "a committed blob's id stays");
        }
        for (String id : aborted) {
            assertFalse(ids.seenBefore(id, 0), "an aborted blob's id is forgotten");
        }
    }

    @Test
    void forgettingABlobLargerThanTheCapacityForgetsWhatIsLeftOfIt() {
        RecentRecordIds ids = new RecentRecordIds(50, Long.MAX_VALUE / 2);
        ids.seenBefore("before", 0);
        long mark = ids.mark();
        for (int i = 0; i < 120; i++) {
            ids.seenBefore("blob-" + i, 0);
        }

        ids.forgetSince(mark);

        assertEquals(0, ids.size());
        assertFalse(ids.seenBefore("blob-119", 0));
    }
}
