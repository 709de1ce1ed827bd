package io.github.o365auditcamel.tenancy;

/**
 * The routes' bean {@code tenantTokens}: each tenant's bearer token, from its own
 * {@link io.github.o365auditcamel.auth.TokenProvider}.
 */
public class TenantTokens {

    private final Tenants tenants;

    public TenantTokens(Tenants tenants) {
        this.tenants = tenants;
    }

    /** The {@code Authorization} header value for an API call of the tenant: {@code Bearer <token>}. */
    public String authorizationHeader(String tenant) {
        return tenants.get(tenant).tokenProvider().authorizationHeader();
    }

    /** The API refused the tenant's token (401): the next call gets a new one. */
    public void invalidate(String tenant) {
        tenants.get(tenant).tokenProvider().invalidate();
    }
}
