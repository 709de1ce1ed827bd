package io.github.o365auditcamel.progress;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the content types: DOWN while any content type's listing route is stopped by a fatal API answer
 * (a missing permission, a tenant that does not match the token, ...), with the reason per content type. Retrying
 * cannot fix those, so the route stops instead of failing every poll; the check turns UP again as soon as the route
 * is started again (from Hawtio, say, once the cause is fixed) and polls.
 */
public class ContentTypeHealthCheck extends AbstractHealthCheck {

    private final Map<String, String> stopped = new ConcurrentSkipListMap<>();

    public ContentTypeHealthCheck() {
        super("o365", "content-types");
    }

    /** Records that a tenant's content type listing stopped for good, and why (the exchange's failure). */
    public void stopped(String tenant, String contentType, Exchange exchange) {
        stopped.put(PollReport.label(tenant, contentType), FailureReason.of(exchange));
    }

    /** A tenant's content type polls (again): it is no longer reported as stopped. */
    public void polling(String tenant, String contentType) {
        stopped.remove(PollReport.label(tenant, contentType));
    }

    /** The stopped content types ({@code contoso Audit.Exchange} with several tenants) and their reasons. */
    public Map<String, String> stoppedContentTypes() {
        return Map.copyOf(stopped);
    }

    @Override
    public boolean isLiveness() {
        // a restart does not grant a permission: the process stays alive, and says so through readiness
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (stopped.isEmpty()) {
            builder.up();
            return;
        }
        StringBuilder message = new StringBuilder("stopped: ");
        stopped.forEach((type, reason) -> {
            message.append(type).append(" (").append(reason).append("); ");
            builder.detail(type, reason);
        });
        builder.message(message.substring(0, message.length() - 2));
        builder.down();
    }
}
