package io.github.o365auditcamel.simulator;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.github.o365auditcamel.simulator.RequestSyntax.GUID;

/**
 * The tenants of one simulator: the primary (the {@link SimulatorBuilder}'s own) first, then those of
 * {@link SimulatorBuilder#tenant} in the order they were added; found by GUID or verified domain, case-insensitive.
 */
final class SimulatedTenants {

    private final SimulatedTenant primary;
    private final List<SimulatedTenant> all;
    /** Every tenant by its lower-cased GUID and by its lower-cased domain. */
    private final Map<String, SimulatedTenant> byKey = new HashMap<>();

    /** @throws IllegalArgumentException when two tenants have the same id or the same domain */
    SimulatedTenants(List<SimulatedTenant> all) {
        for (SimulatedTenant t : all) {
            if (byKey.putIfAbsent(t.tenantId().toLowerCase(Locale.ROOT), t) != null) {
                throw new IllegalArgumentException("two tenants with the id " + t.tenantId());
            }
            if (byKey.putIfAbsent(t.tenantDomain().toLowerCase(Locale.ROOT), t) != null) {
                throw new IllegalArgumentException("two tenants with the domain " + t.tenantDomain());
            }
        }
        this.all = List.copyOf(all);
        this.primary = all.get(0);
    }

    SimulatedTenant primary() {
        return primary;
    }

    List<SimulatedTenant> all() {
        return all;
    }

    List<String> ids() {
        return all.stream().map(SimulatedTenant::tenantId).toList();
    }

    /**
     * The tenant with that GUID (case-insensitive).
     *
     * @throws IllegalArgumentException for an id that is no tenant's
     */
    SimulatedTenant byId(String tenantId) {
        SimulatedTenant t = tenantId == null || !GUID.matcher(tenantId).matches() ? null
                : byKey.get(tenantId.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("no tenant " + tenantId + "; tenants: " + ids());
        }
        return t;
    }

    /** The tenant with that GUID or verified domain (case-insensitive), as a token endpoint path names it, or null. */
    SimulatedTenant named(String tenant) {
        return byKey.get(tenant.toLowerCase(Locale.ROOT));
    }

    /**
     * The tenant an API path names (its GUID, case-insensitive); the primary tenant when it names none, so that a
     * request to an unknown or malformed tenant counts, and is faulted, as it always was in a single-tenant simulator.
     */
    SimulatedTenant apiTenant(String pathTenant) {
        SimulatedTenant t = GUID.matcher(pathTenant).matches() ? byKey.get(pathTenant.toLowerCase(Locale.ROOT)) : null;
        return t != null ? t : primary;
    }
}
