package io.github.o365auditcamel.tenancy;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * The routes' bean {@code deadLetterRetries}: the dead-letter topic is shared, and each tenant's retry route fetches
 * again only its own tenant's letters (see {@link io.github.o365auditcamel.publish.DeadLetterRetries}).
 */
public class TenantDeadLetters {

    private final Tenants tenants;

    public TenantDeadLetters(Tenants tenants) {
        this.tenants = tenants;
    }

    public boolean isPending(String tenant, Map<String, Object> letter) {
        return tenants.get(tenant).deadLetterRetries().isPending(letter);
    }

    public void awaitRetry(String tenant, Exchange exchange) throws InterruptedException, InvalidPayloadException {
        tenants.get(tenant).deadLetterRetries().awaitRetry(exchange);
    }
}
