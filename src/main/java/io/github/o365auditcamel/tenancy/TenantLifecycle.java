package io.github.o365auditcamel.tenancy;

import java.util.function.Function;

import io.github.o365auditcamel.cluster.ListingLeadership;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.listing.ListingSchedule;
import io.github.o365auditcamel.progress.CollectorReadinessCheck;
import io.github.o365auditcamel.progress.ContentTypeHealthCheck;
import io.github.o365auditcamel.progress.SubscriptionTable;

/**
 * Adds a tenant to everything that knows of tenants, or takes it out: at startup, and when the tenants file changes
 * ({@link TenantsReload}). A tenant added is a set of beans over the instance's shared Kafka clients and threads, and
 * rows in the schedule: its subscriptions start, then its content types are listed by the leader of its shard. A tenant
 * removed is listed no more; what runs for it finishes, and its state (cursors, published blobs, pending retries)
 * stays in the state topic for when it comes back.
 */
public class TenantLifecycle {

    private final Function<CollectorSettings, Tenant> newTenant;
    private final Tenants tenants;
    private final ListingLeadership leadership;
    private final SubscriptionTable subscriptions;
    private final ContentTypeHealthCheck contentTypeHealth;
    private final ListingSchedule schedule;
    private final CollectorReadinessCheck readiness;

    /** @param newTenant a tenant's own beans, over the instance's shared clients */
    public TenantLifecycle(Function<CollectorSettings, Tenant> newTenant, Tenants tenants,
            ListingLeadership leadership, SubscriptionTable subscriptions, ContentTypeHealthCheck contentTypeHealth,
            ListingSchedule schedule, CollectorReadinessCheck readiness) {
        this.newTenant = newTenant;
        this.tenants = tenants;
        this.leadership = leadership;
        this.subscriptions = subscriptions;
        this.contentTypeHealth = contentTypeHealth;
        this.schedule = schedule;
        this.readiness = readiness;
    }

    /** Collects the tenant from now on; one of the same name is replaced (its settings changed). */
    public synchronized void add(CollectorSettings settings) {
        remove(settings.tenantName());
        Tenant tenant = newTenant.apply(settings);
        tenant.metrics().checkpointLag(tenant.stateStore()::knownCursor, () -> leadership.isLeader(tenant.name()));
        tenant.metrics().tenantReady(() -> readiness.problemsOf(tenant).isEmpty());
        tenants.add(tenant);
        subscriptions.add(settings);
        leadership.add(settings);
        // last: what the schedule hands out finds everything in place
        schedule.add(settings);
    }

    /** Collects the tenant no longer; false when no tenant has that name. */
    public synchronized boolean remove(String name) {
        schedule.remove(name);
        leadership.remove(name);
        Tenant tenant = tenants.remove(name);
        if (tenant == null) {
            return false;
        }
        subscriptions.remove(name);
        contentTypeHealth.forget(name);
        tenant.metrics().remove();
        return true;
    }
}
