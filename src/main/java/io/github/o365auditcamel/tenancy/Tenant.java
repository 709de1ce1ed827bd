package io.github.o365auditcamel.tenancy;

import io.github.o365auditcamel.api.ApiRateLimiter;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.publish.BlobPublisher;
import io.github.o365auditcamel.publish.DeadLetterRetries;
import io.github.o365auditcamel.state.KafkaStateStore;

/**
 * Everything one tenant has to itself: its settings, credentials and token, its request budget, its state (cursors and
 * published blobs), its transactional producers and its metrics. Nothing here is shared with another tenant, so a
 * tenant that is throttled, refused or slow waits on its own.
 */
public record Tenant(
        CollectorSettings settings,
        CollectorMetrics metrics,
        TokenProvider tokenProvider,
        ApiRateLimiter rateLimiter,
        ManagementApi api,
        KafkaStateStore stateStore,
        ListingWindows listingWindows,
        BlobPublisher publisher,
        DeadLetterRetries deadLetterRetries) {

    /** The tenant's name in configuration, route ids, headers and metrics ({@code default} with no o365.tenants). */
    public String name() {
        return settings.tenantName();
    }
}
