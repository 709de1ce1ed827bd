package io.github.o365auditcamel.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's content listings cut into pages, as the API serves them: the entries of a listing are taken once (a
 * snapshot), cut into pages of the configured size (shuffled within a page and one entry listed twice, when so
 * configured), and every page but the first gets an opaque nextPage token that selects it again, as long as it is
 * among the most recent {@code maxTokens} tokens. Thread-safe.
 *
 * @param <E> a listing entry
 */
final class ListingPages<E> {

    /** One listing snapshot; its pages' nextPage tokens are {@code tokenPrefix} and the page's index. */
    record Listing<E>(String contentType, ListingWindow window, List<List<E>> pages, String tokenPrefix) {

        String token(int index) {
            return tokenPrefix + String.format(Locale.ROOT, "%03d", index);
        }
    }

    /** One page of a listing. */
    record Page<E>(Listing<E> listing, int index) {

        List<E> entries() {
            return listing.pages().get(index);
        }

        /** The nextPage token of the page after this one, or null on the last page. */
        String nextToken() {
            return index + 1 < listing.pages().size() ? listing.token(index + 1) : null;
        }
    }

    private final int pageSize;
    private final boolean shuffle;
    private final boolean repeatOne;
    private final Random random; // guarded by itself
    private final AtomicInteger listings = new AtomicInteger();
    private final Map<String, Page<E>> byToken; // guarded by itself

    /**
     * @param shuffle   entries of a page in random order
     * @param repeatOne one entry of a page not full listed twice (then a full page holds {@code pageSize - 1}
     *                  distinct entries)
     */
    ListingPages(int pageSize, boolean shuffle, boolean repeatOne, int maxTokens, Random random) {
        this.pageSize = pageSize;
        this.shuffle = shuffle;
        this.repeatOne = repeatOne;
        this.random = random;
        this.byToken = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Page<E>> eldest) {
                return size() > maxTokens;
            }
        };
    }

    /** A new listing of these entries (in order), its later pages' tokens registered: its first page. */
    Page<E> first(String contentType, ListingWindow window, List<E> entries) {
        int perPage = repeatOne && pageSize >= 2 ? pageSize - 1 : pageSize;
        List<List<E>> pages = new ArrayList<>();
        synchronized (random) {
            for (int from = 0; from < entries.size() || from == 0; from += perPage) {
                List<E> page = new ArrayList<>(entries.subList(from, Math.min(entries.size(), from + perPage)));
                if (shuffle) {
                    Collections.shuffle(page, random);
                }
                if (repeatOne && page.size() >= 2 && page.size() < pageSize) {
                    E again = page.get(random.nextInt(page.size()));
                    page.add(random.nextInt(page.size() + 1), again);
                }
                pages.add(page);
            }
        }
        Listing<E> listing = new Listing<>(contentType, window, List.copyOf(pages), tokenPrefix(window.start()));
        synchronized (byToken) {
            for (int i = 1; i < pages.size(); i++) {
                byToken.put(listing.token(i), new Page<>(listing, i));
            }
        }
        return new Page<>(listing, 0);
    }

    /** The page that token selects, if it belongs to a listing of that content type and window; else null. */
    Page<E> page(String token, String contentType, ListingWindow window) {
        Page<E> page;
        synchronized (byToken) {
            page = byToken.get(token);
        }
        Listing<E> listing = page == null ? null : page.listing();
        if (listing == null || !listing.contentType().equals(contentType)
                || !listing.window().start().equals(window.start()) || !listing.window().end().equals(window.end())) {
            return null;
        }
        return page;
    }

    /**
     * The nextPage token of that page, registered so that it selects the page (the first page's only once a listing
     * trap asks for it).
     */
    String token(Page<E> page) {
        String token = page.listing().token(page.index());
        synchronized (byToken) {
            byToken.putIfAbsent(token, page);
        }
        return token;
    }

    /** Opaque, shaped like the documentation's example "2015101900R022885001761" (without its last 3 digits). */
    private String tokenPrefix(Instant start) {
        return ApiTime.CONTENT_ID.format(start).substring(0, 8) + "00R"
                + String.format(Locale.ROOT, "%09d", listings.incrementAndGet() % 1_000_000_000);
    }
}
