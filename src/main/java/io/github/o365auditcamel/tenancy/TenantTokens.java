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

    /**
     * Makes sure the tenant has a token now (one kept is enough), before a request that counts against a limit of the
     * service is claimed: a start request that cannot get a token is never sent, and must not use up the tenant's one
     * start every 15 minutes.
     */
    public void obtain(String tenant) {
        tenants.get(tenant).tokenProvider().authorizationHeader();
    }

    /** The API refused the tenant's token (401): the next call gets a new one. */
    public void invalidate(String tenant) {
        tenants.get(tenant).tokenProvider().invalidate();
    }
}
