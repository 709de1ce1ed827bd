package io.github.o365auditcamel.publish;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The record Ids published recently, to drop the copies the service itself serves (the same record in two blobs).
 * Bounded in time (ids older than the window are forgotten) and in memory: at most {@code capacity} ids, the oldest
 * forgotten first, each kept as 128 bits in flat arrays (about 35 bytes an id: 100,000 ids take 3.5 MB).
 * Not thread-safe: one instance per content type, used under that content type's publishing lock.
 */
final class RecentRecordIds {

    private final int capacity;
    private final long windowMillis;
    // a ring of ids in arrival order, oldest at head
    private final long[] high;
    private final long[] low;
    private final long[] seenAt;
    private int head;
    private int size;
    // how many ids were ever remembered: marks for forgetSince
    private long added;
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
        int tableSize = Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1;
        this.table = new int[tableSize];
        this.mask = tableSize - 1;
    }

    /** True when the id was seen within the window; otherwise it is remembered now and false is returned. */
    boolean seenBefore(String id, long nowMillis) {
        evictOlderThan(nowMillis - windowMillis);
        long[] key = key(id);
        int slot = slotOf(key[0], key[1]);
        if (table[slot] != 0) {
            return true;
        }
        if (size == capacity) {
            evictOldest();
            slot = slotOf(key[0], key[1]);
        }
        int index = (head + size) % capacity;
        high[index] = key[0];
        low[index] = key[1];
        seenAt[index] = nowMillis;
        table[slot] = index + 1;
        size++;
        added++;
        return false;
    }

    /** A mark taken before a blob's transaction: the ids remembered after it can be forgotten with forgetSince. */
    long mark() {
        return added;
    }

    /**
     * Forgets the ids remembered since the mark, newest first: those of a transaction that was aborted, so that the
     * blob's records are published when it is fetched again. Ids remembered before the mark stay.
     */
    void forgetSince(long mark) {
        long newer = Math.min(added - mark, size);
        for (long i = 0; i < newer; i++) {
            int newest = (head + size - 1) % capacity;
            deleteSlot(slotOf(high[newest], low[newest]));
            size--;
        }
        added = mark;
    }

    int size() {
        return size;
    }

    private void evictOlderThan(long horizon) {
        while (size > 0 && seenAt[head] <= horizon) {
            evictOldest();
        }
    }

    private void evictOldest() {
        int slot = slotOf(high[head], low[head]);
        head = (head + 1) % capacity;
        size--;
        deleteSlot(slot);
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
