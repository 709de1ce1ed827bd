package io.github.o365auditcamel.tenancy;

import java.util.List;
import java.util.Optional;

import io.github.o365auditcamel.listing.ListingWindow;
import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;

/**
 * The routes' bean {@code tenantListingWindows}: each tenant's windows to list next, from its own cursors (see
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

    /**
     * After the service refused the window being listed (AF20055): the window variable becomes the one to list
     * instead ({@link io.github.o365auditcamel.listing.ListingWindows#recomputed}) and {@code pageUri} its first page;
     * or, when nothing of it can be listed any more, {@code pageUri} becomes null, so that the window ends and the
     * cursor moves past it.
     */
    public void recompute(Exchange exchange) {
        String tenant = exchange.getVariable(ExchangeVariables.TENANT, String.class);
        String contentType = exchange.getVariable(ExchangeVariables.CONTENT_TYPE, String.class);
        Tenant of = tenants.get(tenant);
        Optional<ListingWindow> instead = of.listingWindows().recomputed(contentType,
                exchange.getVariable(ExchangeVariables.WINDOW, ListingWindow.class));
        instead.ifPresent(window -> exchange.setVariable(ExchangeVariables.WINDOW, window));
        exchange.setVariable(ExchangeVariables.PAGE_URI,
                instead.map(window -> of.api().contentListUri(contentType, window)).orElse(null));
    }
}
