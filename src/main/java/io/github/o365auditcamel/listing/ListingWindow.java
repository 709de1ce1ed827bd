package io.github.o365auditcamel.listing;

import java.time.Instant;

/**
 * One listing request's time range: {@code start <= contentCreated < end}, at most 24 hours long. A window whose
 * listing stopped part way ({@link ListingDeferred}) goes on from {@code resumePageUri}, the page it stopped at; null
 * for a window listed from its first page.
 */
public record ListingWindow(Instant start, Instant end, String resumePageUri) {

    public ListingWindow {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("window start " + start + " is not before its end " + end);
        }
    }

    public ListingWindow(Instant start, Instant end) {
        this(start, end, null);
    }

    /** The same window, to be listed again from that page on. */
    public ListingWindow resumingFrom(String pageUri) {
        return new ListingWindow(start, end, pageUri);
    }
}
