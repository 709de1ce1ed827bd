package io.github.o365auditcamel.tenancy;

import java.util.List;

import io.github.o365auditcamel.listing.ListingWindow;

/**
 * The routes' bean {@code listingWindows}: each tenant's windows to list next, from its own cursors (see
 * {@link io.github.o365auditcamel.listing.ListingWindows}).
 */
public class TenantListingWindows {

    private final Tenants tenants;

    public TenantListingWindows(Tenants tenants) {
        this.tenants = tenants;
    }

    public List<ListingWindow> next(String tenant, String contentType) {
        return tenants.get(tenant).listingWindows().next(contentType);
    }

    public void deferred(String tenant, String contentType, ListingWindow window, String pageUri) {
        tenants.get(tenant).listingWindows().deferred(contentType, window, pageUri);
    }

    public void completed(String tenant, String contentType, ListingWindow window) {
        tenants.get(tenant).listingWindows().completed(contentType, window);
    }
}
