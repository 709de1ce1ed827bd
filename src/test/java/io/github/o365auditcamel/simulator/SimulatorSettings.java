package io.github.o365auditcamel.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The settings every tenant of a simulator shares, those a {@link TenantSpec} cannot set, from the
 * {@link SimulatorBuilder}: the cloud resource of the token endpoints (no trailing slash), listing pages, token
 * lifetime, retention, record size and duplicates, the least time between two subscription start requests of a tenant
 * (zero: not enforced), the simulator's clock, and Microsoft Graph's audit log queries: records per page, the most
 * records a query returns, and the status polls a query takes to finish.
 */
record SimulatorSettings(String cloudResource, int pageSize, Duration tokenLifetime, boolean shuffleListings,
                         boolean repeatBlobsInListing, Duration retention, Duration retentionGrace,
                         int recordSizeBytes, double duplicateRecordShare, boolean subscriptionsInitiallyEnabled,
                         Duration subscriptionStartInterval, Clock clock, int graphPageSize,
                         int graphRecordCountLimit, int graphQueryPollsUntilDone) {

    /** The simulator's now. */
    Instant now() {
        return clock.instant();
    }
}
