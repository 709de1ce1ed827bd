package io.github.o365auditcamel.listing;

/**
 * A listing stopped, not failed: its tenant already has {@code o365.pending-blobs-per-tenant} blobs waiting for the
 * fetchers. The listing remembers the page it stopped at ({@link ListingWindows#deferred}) and goes on from there once
 * the tenant has room ({@link ListingSchedule}); its checkpoint stays where it was meanwhile.
 */
public class ListingDeferred extends RuntimeException {

    public ListingDeferred(String message) {
        super(message, null, false, false);
    }
}
