package io.github.o365auditcamel.tenancy;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.fetch.ContentReferences;

/**
 * The configured tenants by name: the routes carry a tenant's name in the exchange variable {@code tenant}, and the
 * beans they call find that tenant's state here. Bound as {@code tenants}, for the routes' own questions
 * ({@code ${bean:tenants?method=contentTypes(${variable.tenant})}}).
 */
public class Tenants {

    /** The exchange variable that names the tenant an exchange works for. */
    public static final String TENANT_VARIABLE = "tenant";

    private final Map<String, Tenant> byName = new LinkedHashMap<>();
    private final Map<String, Tenant> byTenantId = new HashMap<>();

    public Tenants(List<Tenant> tenants) {
        for (Tenant tenant : tenants) {
            byName.put(tenant.name(), tenant);
            byTenantId.put(tenant.settings().tenantId(), tenant);
        }
    }

    /** The tenant of that name; an unknown name is a bug in a route, said plainly. */
    public Tenant get(String name) {
        Tenant tenant = byName.get(name);
        if (tenant == null) {
            throw new IllegalArgumentException("no tenant named '" + name + "' (configured: " + byName.keySet()
                    + "); a route lost its 'tenant' variable?");
        }
        return tenant;
    }

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
