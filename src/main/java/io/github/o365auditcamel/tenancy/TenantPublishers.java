package io.github.o365auditcamel.tenancy;

import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;

/**
 * The routes' bean {@code tenantPublishers}: publishes a blob with the transactional producers and into the state of the
 * tenant named by the exchange's {@code tenant} variable (see {@link io.github.o365auditcamel.publish.BlobPublisher}).
 */
public class TenantPublishers {

    private final Tenants tenants;

    public TenantPublishers(Tenants tenants) {
        this.tenants = tenants;
    }

    public void publish(Exchange exchange) throws Exception {
        of(exchange).publisher().publish(exchange);
    }

    public void deadLetter(Exchange exchange) throws Exception {
        of(exchange).publisher().deadLetter(exchange);
    }

    public void defer(Exchange exchange) throws Exception {
        of(exchange).publisher().defer(exchange);
    }

    public void skip(Exchange exchange) throws Exception {
        of(exchange).publisher().skip(exchange);
    }

    private Tenant of(Exchange exchange) {
        return tenants.get(exchange.getVariable(ExchangeVariables.TENANT, String.class));
    }
}
