package io.github.o365auditcamel.tenancy;

/**
 * The routes' bean {@code tenantRateLimits}: one request budget per tenant (the service throttles per tenant), shared by
 * all of that tenant's routes and by nobody else's, so that one tenant's backlog does not use up another's minute.
 */
public class TenantRateLimits {

    private final Tenants tenants;

    public TenantRateLimits(Tenants tenants) {
        this.tenants = tenants;
    }

    /** Waits, if needed, until the tenant may make one more request. */
    public void acquire(String tenant) {
        tenants.get(tenant).rateLimiter().acquire();
    }
}
