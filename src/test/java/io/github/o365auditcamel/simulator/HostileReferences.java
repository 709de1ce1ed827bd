package io.github.o365auditcamel.simulator;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's hostile references and listing traps ({@link HostileReference}, {@link ListingTrap}) and their
 * counters. Thread-safe.
 */
final class HostileReferences {

    /** The default host of a {@link ListingTrap#FOREIGN_NEXT_PAGE}. */
    static final String EVIL_BASE_URL = "https://evil.example.com";

    /** A listing trap in force. */
    record Trap(ListingTrap kind, String foreignBaseUrl) {
    }

    private final Map<String, HostileEntry> byContentId = new ConcurrentHashMap<>();
    /** Every path segment that reaches a reference: its contentId and, where different, its uriContentId. */
    private final Map<String, HostileEntry> byPathId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Trap> traps = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> trapAnswers = new ConcurrentHashMap<>();

    void add(HostileEntry entry) {
        byContentId.put(entry.contentId(), entry);
        requests.put(entry.contentId(), new AtomicInteger());
        byPathId.put(entry.contentId(), entry);
        if (entry.uriContentId() != null) {
            byPathId.put(entry.uriContentId(), entry);
        }
    }

    /** The reference of that contentId, or null. */
    HostileEntry get(String contentId) {
        return contentId == null ? null : byContentId.get(contentId);
    }

    /** The reference a blob GET's path segment reaches, counted as one request of it; null (not counted) if none. */
    HostileEntry requested(String pathId) {
        HostileEntry e = byPathId.get(pathId);
        if (e != null) {
            requests.get(e.contentId()).incrementAndGet();
        }
        return e;
    }

    int requestCount(String contentId) {
        AtomicInteger c = requests.get(contentId);
        if (c == null) {
            throw new IllegalArgumentException("not a hostile reference: " + contentId);
        }
        return c.get();
    }

    /** Sets (trap non-null) or clears (null) the trap of that content type. */
    void trap(String contentType, ListingTrap trap, String foreignBaseUrl) {
        Objects.requireNonNull(contentType, "contentType");
        if (trap == null) {
            traps.remove(contentType);
            return;
        }
        String base = foreignBaseUrl == null ? EVIL_BASE_URL : foreignBaseUrl.replaceFirst("/+$", "");
        traps.put(contentType, new Trap(trap, base));
    }

    /** The trap in force for that content type, or null. */
    Trap trap(String contentType) {
        return traps.get(contentType);
    }

    void countTrapAnswer(String contentType) {
        trapAnswers.computeIfAbsent(contentType, k -> new AtomicInteger()).incrementAndGet();
    }

    int trapAnswerCount(String contentType) {
        AtomicInteger c = trapAnswers.get(contentType);
        return c == null ? 0 : c.get();
    }
}
