package io.github.o365auditcamel.tenancy;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.o365auditcamel.fetch.ContentReferences;

/**
 * The configured tenants by name: the routes carry a tenant's name in the exchange variable {@code tenant}, and the
 * beans they call find that tenant's state here. Bound as {@code tenants}, for the routes' own questions
 * ({@code ${bean:tenants?method=contentTypes(${variable.tenant})}}).
 * <p>
 * Tenants come and go while the collector runs ({@code o365.tenants-file}). A tenant removed is no longer among
 * {@link #all()} and no reference of it is taken for one of a configured tenant ({@link #nameOfReference}), but the
 * exchanges that already work for it find it by name until they end: they finish as they began.
 */
public class Tenants {

    /** copied on each change: read on every exchange, changed when the tenants file is */
    private volatile Map<String, Tenant> byName = Map.of();
    private volatile Map<String, Tenant> byTenantId = Map.of();
    /** tenants removed, by name, for the exchanges that still work for them */
    private final Map<String, Tenant> removed = new ConcurrentHashMap<>();

    public Tenants(List<Tenant> tenants) {
        tenants.forEach(this::add);
    }

    /** A tenant to collect; one of the same name is replaced (its settings changed). */
    public synchronized void add(Tenant tenant) {
        Map<String, Tenant> names = new LinkedHashMap<>(byName);
        Tenant before = names.put(tenant.name(), tenant);
        Map<String, Tenant> ids = new HashMap<>(byTenantId);
        if (before != null) {
            ids.remove(before.settings().tenantId());
        }
        ids.put(tenant.settings().tenantId(), tenant);
        byName = names;
        byTenantId = ids;
        removed.remove(tenant.name());
    }

    /** A tenant no longer to collect; null when none has that name. */
    public synchronized Tenant remove(String name) {
        Map<String, Tenant> names = new LinkedHashMap<>(byName);
        Tenant tenant = names.remove(name);
        if (tenant == null) {
            return null;
        }
        Map<String, Tenant> ids = new HashMap<>(byTenantId);
        ids.remove(tenant.settings().tenantId());
        byName = names;
        byTenantId = ids;
        removed.put(name, tenant);
        return tenant;
    }

    /**
     * The tenant of that name, or the one of that name removed while an exchange worked for it; an unknown name is a
     * bug in a route, said plainly.
     */
    public Tenant get(String name) {
        Tenant tenant = byName.get(name);
        if (tenant == null) {
            tenant = removed.get(name);
        }
        if (tenant == null) {
            throw new IllegalArgumentException("no tenant named '" + name + "' (configured: " + byName.keySet()
                    + "); a route lost its 'tenant' variable?");
        }
        return tenant;
    }

    /** The tenants configured now. */
    public Collection<Tenant> all() {
        return byName.values();
    }

    /** The key of the tenant's content reference ({@link ContentReferences#key}). */
    public String referenceKey(String name, String contentId) {
        return ContentReferences.key(get(name).settings().tenantId(), contentId);
    }

    /**
     * The name of the configured tenant whose reference has this key; null when no configured tenant has that id (one
     * removed from the configuration) or the key is not a reference's.
     */
    public String nameOfReference(String key) {
        String tenantId = ContentReferences.tenantIdOfKey(key);
        Tenant tenant = tenantId == null ? null : byTenantId.get(tenantId);
        return tenant == null ? null : tenant.name();
    }

    /** The name of the configured tenant with that tenant id; null when none has it. */
    public String nameOfTenantId(String tenantId) {
        Tenant tenant = byTenantId.get(tenantId);
        return tenant == null ? null : tenant.name();
    }

    /** The content types the tenant collects. */
    public List<String> contentTypes(String name) {
        return get(name).settings().contentTypes();
    }
}
