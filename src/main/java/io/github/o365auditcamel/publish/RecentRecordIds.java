package io.github.o365auditcamel.publish;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The record Ids published recently, to drop the copies the service itself serves (the same record in two blobs).
 * Bounded in time (ids older than the window are forgotten) and in memory: at most {@code capacity} ids, the oldest
 * forgotten first, each kept as 128 bits in flat arrays (about 45 bytes an id: 100,000 ids take 4.5 MB).
 * <p>
 * Several blobs of one content type are published at the same time (one per fetcher), each in a transaction of its
 * own, so an id is first <em>claimed</em> by the blob that sends it ({@link BlobIds#check}) and counts as published
 * only once that blob commits ({@link BlobIds#commit}); an aborted blob's claims are dropped again
 * ({@link BlobIds#abandon}), so that its records are sent when it is fetched again. A blob that meets a record
 * claimed by another blob in flight waits until that one has committed (and drops the record) or aborted (and sends
 * it). Only when waiting would close a circle (two blobs each holding a record the other wants) does it send the
 * record as well; then the second of the two to commit finds the id committed by the first and must abort and fetch
 * its blob again, so that the record reaches Kafka once. Thread-safe.
 */
final class RecentRecordIds {

    /** What a blob does with one of its records. */
    enum Verdict { SEND, DROP }

    private static final long COMMITTED = 0;
    private static final long DEAD = -1;
    /** The longest a blob waits for another to settle a record both hold, before it sends it too. */
    static final long MAX_WAIT_MILLIS = 120_000;

    private final int capacity;
    private final long windowMillis;
    // a ring of ids in arrival order, oldest at head; owner: COMMITTED, DEAD (removed) or the claiming blob's token
    private final long[] high;
    private final long[] low;
    private final long[] seenAt;
    private final long[] owner;
    private int head;
    private int size;
    private int live;
    private long nextToken = 1;
    private final java.util.Map<Long, BlobIds> inFlight = new java.util.HashMap<>();
    // open addressing with linear probing: ring index + 1, 0 = empty
    private final int[] table;
    private final int mask;

    RecentRecordIds(int capacity, long windowMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.windowMillis = windowMillis;
        this.high = new long[capacity];
        this.low = new long[capacity];
        this.seenAt = new long[capacity];
        this.owner = new long[capacity];
        int tableSize = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        this.table = new int[tableSize];
        this.mask = tableSize - 1;
    }

    /** The ids of one blob about to be published. */
    synchronized BlobIds startBlob() {
        BlobIds blob = new BlobIds(nextToken++);
        inFlight.put(blob.token, blob);
        return blob;
    }

    /** Ids remembered, committed or claimed. */
    synchronized int size() {
        return live;
    }

    /** Whether the id counts as published (committed within the window). */
    synchronized boolean isCommitted(String id, long nowMillis) {
        evictOlderThan(nowMillis - windowMillis);
        long[] key = key(id);
        int slot = slotOf(key[0], key[1]);
        return table[slot] != 0 && owner[table[slot] - 1] == COMMITTED;
    }

    /**
     * The ids one blob sends, claimed until its transaction commits or aborts. Kept as 16 bytes per record sent, so
     * that the claims can be settled at the end.
     */
    final class BlobIds {
        private final long token;
        private long[] sent = new long[128];
        private int count;
        private boolean committed;
        // ids this blob sent while another blob held them (a circle, a wait given up): the table does not say they
        // are this blob's, so a second copy in the blob must be recognised here. Few, so a small set
        private Set<UUID> sentUnclaimed;
        // the blob this one waits for, to detect a circle
        private BlobIds waitingFor;

        private BlobIds(long token) {
            this.token = token;
        }

        /**
         * Whether to send the record: not when its id is published already, or was sent earlier in this blob. Waits
         * while another blob in flight holds it.
         */
        Verdict check(String id, long nowMillis) {
            long[] key = key(id);
            synchronized (RecentRecordIds.this) {
                if (sentUnclaimed != null && sentUnclaimed.contains(new UUID(key[0], key[1]))) {
                    return Verdict.DROP;
                }
                long waitUntil = System.currentTimeMillis() + MAX_WAIT_MILLIS;
                while (true) {
                    evictOlderThan(nowMillis - windowMillis);
                    int slot = slotOf(key[0], key[1]);
                    if (table[slot] == 0) {
                        insert(key[0], key[1], nowMillis, token);
                        break;
                    }
                    long o = owner[table[slot] - 1];
                    if (o == COMMITTED || o == token) {
                        return Verdict.DROP;
                    }
                    BlobIds other = inFlight.get(o);
                    long wait = waitUntil - System.currentTimeMillis();
                    if (other == null || other.waitsFor(this) || wait <= 0) {
                        // sent here too; settled when the two commit
                        sentUnclaimed(key);
                        break;
                    }
                    waitingFor = other;
                    try {
                        RecentRecordIds.this.wait(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        sentUnclaimed(key);
                        break;
                    } finally {
                        waitingFor = null;
                    }
                }
            }
            remember(key);
            return Verdict.SEND;
        }

        /** Whether this blob waits, directly or through others, for the given one. */
        private boolean waitsFor(BlobIds blob) {
            for (BlobIds b = this; b != null; b = b.waitingFor) {
                if (b == blob) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Marks this blob's ids published, just before its transaction commits; false, changing nothing, when
         * another blob committed one of them since this blob sent it (then this blob must abort and be fetched
         * again, to send no record twice).
         */
        boolean commit(long nowMillis) {
            synchronized (RecentRecordIds.this) {
                for (int i = 0; i < count; i += 2) {
                    int slot = slotOf(sent[i], sent[i + 1]);
                    if (table[slot] != 0 && owner[table[slot] - 1] == COMMITTED) {
                        return false;
                    }
                }
                inFlight.remove(token);
                RecentRecordIds.this.notifyAll();
                for (int i = 0; i < count; i += 2) {
                    int slot = slotOf(sent[i], sent[i + 1]);
                    if (table[slot] != 0) {
                        owner[table[slot] - 1] = COMMITTED;
                    } else {
                        insert(sent[i], sent[i + 1], nowMillis, COMMITTED);
                    }
                }
                committed = true;
                return true;
            }
        }

        /** The blob's transaction was aborted: its ids are not published, and another blob may send them. */
        void abandon() {
            synchronized (RecentRecordIds.this) {
                for (int i = 0; i < count; i += 2) {
                    int slot = slotOf(sent[i], sent[i + 1]);
                    if (table[slot] != 0) {
                        int index = table[slot] - 1;
                        // after commit(), nobody else can have committed these ids: they are this blob's
                        if (owner[index] == token || (committed && owner[index] == COMMITTED)) {
                            deleteSlot(slot);
                            owner[index] = DEAD;
                            live--;
                        }
                    }
                }
                committed = false;
                inFlight.remove(token);
                RecentRecordIds.this.notifyAll();
            }
        }

        private void sentUnclaimed(long[] key) {
            if (sentUnclaimed == null) {
                sentUnclaimed = new HashSet<>();
            }
            sentUnclaimed.add(new UUID(key[0], key[1]));
        }

        private void remember(long[] key) {
            if (count + 2 > sent.length) {
                sent = Arrays.copyOf(sent, sent.length * 2);
            }
            sent[count++] = key[0];
            sent[count++] = key[1];
        }
    }

    private void insert(long hi, long lo, long nowMillis, long claimedBy) {
        if (size == capacity) {
            evictOldest();
        }
        int slot = slotOf(hi, lo);
        int index = (head + size) % capacity;
        high[index] = hi;
        low[index] = lo;
        seenAt[index] = nowMillis;
        owner[index] = claimedBy;
        table[slot] = index + 1;
        size++;
        live++;
    }

    private void evictOlderThan(long horizon) {
        while (size > 0 && seenAt[head] <= horizon) {
            evictOldest();
        }
    }

    private void evictOldest() {
        if (owner[head] != DEAD) {
            deleteSlot(slotOf(high[head], low[head]));
            live--;
        }
        head = (head + 1) % capacity;
        size--;
    }

    /** Empties a table slot; backward-shift deletion keeps every probe sequence unbroken. */
    private void deleteSlot(int slot) {
        int hole = slot;
        int next = (hole + 1) & mask;
        while (table[next] != 0) {
            int index = table[next] - 1;
            int home = home(high[index], low[index]);
            boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
            if (movable) {
                table[hole] = table[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        table[hole] = 0;
    }

    /** The slot holding this key, or the empty slot where it would go. */
    private int slotOf(long hi, long lo) {
        int slot = home(hi, lo);
        while (table[slot] != 0) {
            int index = table[slot] - 1;
            if (high[index] == hi && low[index] == lo) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private int home(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (int) h & mask;
    }

    private static long[] key(String id) {
        UUID uuid = null;
        // a canonical GUID (as audit record Ids are) maps to its own 128 bits; anything else is hashed
        if (id.length() == 36 && id.charAt(8) == '-' && id.charAt(13) == '-' && id.charAt(18) == '-'
                && id.charAt(23) == '-') {
            try {
                uuid = UUID.fromString(id);
            } catch (IllegalArgumentException notAGuid) {
                // hashed below
            }
        }
        if (uuid == null) {
            uuid = UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
        }
        return new long[] {uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()};
    }
}
