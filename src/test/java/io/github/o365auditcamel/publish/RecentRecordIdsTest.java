package io.github.o365auditcamel.publish;

import static io.github.o365auditcamel.publish.RecentRecordIds.Verdict.DROP;
import static io.github.o365auditcamel.publish.RecentRecordIds.Verdict.SEND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RecentRecordIdsTest {

    /** Publishes one blob with these ids, start to commit; returns the verdicts. */
    private static List<RecentRecordIds.Verdict> publish(RecentRecordIds ids, long now, String... recordIds) {
        RecentRecordIds.BlobIds blob = ids.startBlob();
        List<RecentRecordIds.Verdict> verdicts = new ArrayList<>();
        for (String id : recordIds) {
            verdicts.add(blob.check(id, now));
        }
        assertTrue(blob.commit(now));
        return verdicts;
    }

    @Test
    void anIdPublishedWithinTheWindowIsADuplicate() {
        RecentRecordIds ids = new RecentRecordIds(10, 1000);
        String id = UUID.randomUUID().toString();

        assertEquals(List.of(SEND), publish(ids, 0, id));
        assertEquals(List.of(DROP), publish(ids, 999, id));
        assertEquals(List.of(DROP), publish(ids, 999, id.toUpperCase()), "GUIDs compare case-insensitively");
        assertEquals(List.of(SEND), publish(ids, 1000, id), "forgotten once the window has passed");
    }

    @Test
    void anIdTwiceInOneBlobIsSentOnce() {
        RecentRecordIds ids = new RecentRecordIds(10, 1000);

        assertEquals(List.of(SEND, SEND, DROP), publish(ids, 0, "a", "b", "a"));
    }

    @Test
    void theOldestIdIsForgottenWhenFull() {
        RecentRecordIds ids = new RecentRecordIds(3, Long.MAX_VALUE / 2);
        publish(ids, 0, "a", "b", "c");

        assertEquals(List.of(SEND), publish(ids, 0, "d"));
        assertEquals(3, ids.size());
        assertFalse(ids.isCommitted("a", 0), "a was the oldest");
        assertTrue(ids.isCommitted("c", 0));
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
            assertEquals(expected ? DROP : SEND, publish(ids, i, id).get(0), "step " + i);
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
            publish(ids, 0, id);
        }
        RecentRecordIds.BlobIds aborted = ids.startBlob();
        Set<String> abortedIds = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = UUID.randomUUID().toString();
            abortedIds.add(id);
            assertEquals(SEND, aborted.check(id, 0));
        }
        // one of the aborted blob's records is a copy of a committed one
        assertEquals(DROP, aborted.check(committed.iterator().next(), 0));

        aborted.abandon();

        assertEquals(300, ids.size());
        committed.forEach(id -> assertTrue(ids.isCommitted(id, 0), "a committed blob's id stays"));
        abortedIds.forEach(id -> assertEquals(List.of(SEND), publish(ids, 0, id), "an aborted blob's id is free"));
    }

    @Test
    void aRecordHeldByABlobInFlightWaitsForItsCommitAndIsThenDropped() throws Exception {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        RecentRecordIds.BlobIds first = ids.startBlob();
        RecentRecordIds.BlobIds second = ids.startBlob();
        assertEquals(SEND, first.check("shared", 0));
        CompletableFuture<RecentRecordIds.Verdict> waiting =
                CompletableFuture.supplyAsync(() -> second.check("shared", 0));
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "the first may still abort: the second waits to know");

        assertTrue(first.commit(0));

        assertEquals(DROP, waiting.get(5, TimeUnit.SECONDS));
        assertTrue(second.commit(0));
    }

    @Test
    void aRecordHeldByABlobThatAbortsIsSentByTheOther() throws Exception {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        RecentRecordIds.BlobIds first = ids.startBlob();
        RecentRecordIds.BlobIds second = ids.startBlob();
        first.check("shared", 0);
        CompletableFuture<RecentRecordIds.Verdict> waiting =
                CompletableFuture.supplyAsync(() -> second.check("shared", 0));
        Thread.sleep(200);

        first.abandon();

        assertEquals(SEND, waiting.get(5, TimeUnit.SECONDS));
        assertTrue(second.commit(0));
        assertTrue(ids.isCommitted("shared", 0));
    }

    @Test
    void twoBlobsEachHoldingARecordTheOtherWantsDoNotDeadlockAndTheSecondToCommitIsFetchedAgain()
            throws Exception {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        RecentRecordIds.BlobIds a = ids.startBlob();
        RecentRecordIds.BlobIds b = ids.startBlob();
        assertEquals(SEND, a.check("x", 0));
        assertEquals(SEND, b.check("y", 0));
        CompletableFuture<RecentRecordIds.Verdict> aWantsY = CompletableFuture.supplyAsync(() -> a.check("y", 0));
        Thread.sleep(200);
        assertFalse(aWantsY.isDone());

        // waiting for a would close the circle: b sends x as well
        assertEquals(SEND, b.check("x", 0));
        assertTrue(b.commit(0));

        assertEquals(DROP, aWantsY.get(5, TimeUnit.SECONDS), "y is published by b");
        assertFalse(a.commit(0), "x is published by b: a must be fetched again");
        assertFalse(ids.isCommitted("only-a", 0));
        a.abandon();
        assertEquals(List.of(DROP, DROP), publish(ids, 0, "x", "y"));
    }

    @Test
    void aRecordSentToBreakACircleIsSentOnceWhenItsBlobHoldsItTwice() throws Exception {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        RecentRecordIds.BlobIds a = ids.startBlob();
        RecentRecordIds.BlobIds b = ids.startBlob();
        assertEquals(SEND, a.check("x", 0));
        assertEquals(SEND, b.check("y", 0));
        CompletableFuture<RecentRecordIds.Verdict> aWantsY = new CompletableFuture<>();
        Thread aThread = new Thread(() -> aWantsY.complete(a.check("y", 0)));
        aThread.start();
        awaitWaiting(aThread);

        // waiting for a would close the circle: b sends x as well, while a still holds it
        assertEquals(SEND, b.check("x", 0));
        // the service served x twice in b's blob: b has sent it already
        assertEquals(DROP, b.check("x", 0), "x is in b's transaction once");
        assertTrue(b.commit(0));

        assertEquals(DROP, aWantsY.get(5, TimeUnit.SECONDS));
        assertFalse(a.commit(0));
        a.abandon();
    }

    @Test
    void aRecordSentToBreakACircleIsSentOnceWhenItsHolderAbortsAndItComesAgain() throws Exception {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        RecentRecordIds.BlobIds a = ids.startBlob();
        RecentRecordIds.BlobIds b = ids.startBlob();
        assertEquals(SEND, a.check("x", 0));
        assertEquals(SEND, b.check("y", 0));
        Thread aThread = new Thread(() -> a.check("y", 0));
        aThread.start();
        awaitWaiting(aThread);
        assertEquals(SEND, b.check("x", 0));

        // a gives up waiting (interrupted, as on shutdown) and aborts: x is no longer held by anyone
        aThread.interrupt();
        aThread.join(5000);
        a.abandon();

        assertEquals(DROP, b.check("x", 0), "b has sent x already");
        assertTrue(b.commit(0));
        assertTrue(ids.isCommitted("x", 0));
    }

    /** Until the thread waits in {@code check} for another blob. */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.currentTimeMillis() < deadline, "the blob did not wait: " + thread.getState());
            Thread.sleep(5);
        }
    }

    @Test
    void aBlobWhoseTransactionFailsAfterItsIdsWereMarkedLeavesThemFree() {
        RecentRecordIds ids = new RecentRecordIds(1000, Long.MAX_VALUE / 2);
        publish(ids, 0, "before");
        RecentRecordIds.BlobIds blob = ids.startBlob();
        blob.check("a", 0);
        blob.check("b", 0);
        assertTrue(blob.commit(0));

        // Kafka refused the commit after all
        blob.abandon();

        assertFalse(ids.isCommitted("a", 0));
        assertFalse(ids.isCommitted("b", 0));
        assertTrue(ids.isCommitted("before", 0));
        assertEquals(1, ids.size());
    }

    @Test
    void aBlobLargerThanTheCapacityKeepsTheNewestIds() {
        RecentRecordIds ids = new RecentRecordIds(50, Long.MAX_VALUE / 2);
        String[] blob = new String[120];
        for (int i = 0; i < blob.length; i++) {
            blob[i] = "blob-" + i;
        }
        publish(ids, 0, blob);

        assertEquals(50, ids.size());
        assertFalse(ids.isCommitted("blob-0", 0));
        assertTrue(ids.isCommitted("blob-119", 0));
    }
}
