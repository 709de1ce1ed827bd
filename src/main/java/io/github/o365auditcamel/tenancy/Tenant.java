package io.github.o365auditcamel.tenancy;

import io.github.o365auditcamel.api.ApiRateLimiter;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.history.GraphAuditQueries;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.publish.BlobPublisher;
import io.github.o365auditcamel.state.TenantState;

/**
 * What one tenant has to itself: its settings, credentials and token, its request budget, its state (cursors and
 * published blobs, through the instance's one state store), its publisher (over the instance's shared transactional
 * producers) and its metrics. A tenant that is throttled, refused or slow waits on its own budget and token. With gap
 * repair on, also its Microsoft Graph audit log queries (else null).
 */
public record Tenant(
        CollectorSettings settings,
        CollectorMetrics metrics,
        TokenProvider tokenProvider,
        ApiRateLimiter rateLimiter,
        ManagementApi api,
        TenantState stateStore,
        ListingWindows listingWindows,
        BlobPublisher publisher,
        GraphAuditQueries graphQueries) {

    /** The tenant's name in configuration, route ids, headers and metrics ({@code default} with no o365.tenants). */
    public String name() {
        return settings.tenantName();
    }
}
