package io.github.o365auditcamel.progress;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the content types: which listing routes are stopped by a fatal API answer (a missing permission, a
 * tenant that does not match the token, ...), with the reason per content type. Retrying cannot fix those, so the
 * route stops instead of failing every poll; the content type is reported until the route is started again (from
 * Hawtio, say, once the cause is fixed) and polls.
 * <p>
 * With one tenant this check is DOWN while any content type is stopped. With several, one customer's missing
 * permission must not take the whole deployment out of service (nor hold up a rollout), so the content types are
 * reported as details and the verdict is the {@code collector} check's: ready while at least one tenant collects
 * everything it is configured for.
 */
public class ContentTypeHealthCheck extends AbstractHealthCheck {

    private record Stopped(String tenant, String contentType, String reason) {
    }

    private final boolean severalTenants;
    private final Map<String, Stopped> stopped = new ConcurrentSkipListMap<>();

    public ContentTypeHealthCheck(boolean severalTenants) {
        super("o365", "content-types");
        this.severalTenants = severalTenants;
    }

    /** Records that a tenant's content type listing stopped for good, and why (the exchange's failure). */
    public void stopped(String tenant, String contentType, Exchange exchange) {
        stopped.put(PollReport.label(tenant, contentType),
                new Stopped(tenant, contentType, FailureReason.of(exchange)));
    }

    /** A tenant's content type polls (again): it is no longer reported as stopped. */
    public void polling(String tenant, String contentType) {
        stopped.remove(PollReport.label(tenant, contentType));
    }

    /** One tenant's stopped content types and their reasons. */
    public Map<String, String> stoppedContentTypes(String tenant) {
        Map<String, String> reasons = new TreeMap<>();
        stopped.values().stream().filter(s -> s.tenant().equals(tenant))
                .forEach(s -> reasons.put(s.contentType(), s.reason()));
        return reasons;
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
        stopped.forEach((label, s) -> {
            message.append(label).append(" (").append(s.reason()).append("); ");
            builder.detail(label, s.reason());
        });
        builder.message(message.substring(0, message.length() - 2));
        if (severalTenants) {
            // the collector check decides: ready while another tenant collects
            builder.up();
        } else {
            builder.down();
        }
    }
}
