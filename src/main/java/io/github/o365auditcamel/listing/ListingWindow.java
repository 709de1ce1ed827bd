package io.github.o365auditcamel.listing;

import java.time.Instant;

/** One listing request's time range: {@code start <= contentCreated < end}, at most 24 hours long. */
public record ListingWindow(Instant start, Instant end) {

    public ListingWindow {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("window start " + start + " is not before its end " + end);
        }
    }
}
