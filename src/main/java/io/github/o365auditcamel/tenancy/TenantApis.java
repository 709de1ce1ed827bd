package io.github.o365auditcamel.tenancy;

import java.net.URI;

import io.github.o365auditcamel.listing.ListingWindow;
import org.apache.camel.Exchange;

/**
 * The routes' bean {@code tenantApis}: each tenant's operation URLs, and the guard that keeps a tenant's token on
 * that tenant's API host (see {@link io.github.o365auditcamel.api.ManagementApi}).
 */
public class TenantApis {

    private final Tenants tenants;

    public TenantApis(Tenants tenants) {
        this.tenants = tenants;
    }

    public String subscriptionListUri(String tenant) {
        return tenants.get(tenant).api().subscriptionListUri();
    }

    public String subscriptionStartUri(String tenant, String contentType) {
        return tenants.get(tenant).api().subscriptionStartUri(contentType);
    }

    public String contentListUri(String tenant, String contentType, ListingWindow window) {
        return tenants.get(tenant).api().contentListUri(contentType, window);
    }

    public String followUri(String tenant, String servedUri) {
        return tenants.get(tenant).api().followUri(servedUri);
    }

    public String nextPageUri(String tenant, Exchange exchange) {
        return tenants.get(tenant).api().nextPageUri(exchange);
    }

    public URI requireOnApiHost(String tenant, String candidate) {
        return tenants.get(tenant).api().requireOnApiHost(candidate);
    }
}
