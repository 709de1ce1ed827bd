package io.github.o365auditcamel.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the content types: which listing routes are stopped by a fatal API answer (a missing permission, a
 * tenant that does not match the token, ...), with the reason per content type. Retrying cannot fix those, so the
 * route stops instead of failing every poll; the content type is reported until the route is started again (from
 * Hawtio, say, once the cause is fixed) and polls. A content type whose polls have all failed for longer than
 * {@code o365.stall-after} on the instance that lists it (a listing that loops, a NextPageUri on another host, the API
 * answering errors for hours) is reported too, with its last failure: it is not collected, whatever else works.
 * <p>
 * With one tenant this check is DOWN while any content type is stopped. With several, one customer's missing
 * permission must not take the whole deployment out of service (nor hold up a rollout), so the content types are
 * reported as details and the verdict is the {@code collector} check's: ready while at least one tenant collects
 * everything it is configured for.
 */
public class ContentTypeHealthCheck extends AbstractHealthCheck {

    private record Stopped(String tenant, String contentType, String reason) {
    }

    /** A tenant's content type. */
    private record PolledType(String tenant, String contentType) {
    }

    /** How a content type's polls went on this instance: since when it polls, its last success and failure. */
    private static final class Polls {
        final Instant since;
        volatile Instant lastSuccess;
        volatile String lastFailure;

        Polls(Instant since) {
            this.since = since;
        }
    }

    private final boolean severalTenants;
    private final Map<String, Stopped> stopped = new ConcurrentSkipListMap<>();
    private final Map<PolledType, Polls> polls = new ConcurrentHashMap<>();
    private final Predicate<String> listing;
    private final Duration stallAfter;
    private final Clock clock;

    /** Without stall detection: for tests of the stopped content types. */
    public ContentTypeHealthCheck(boolean severalTenants) {
        this(severalTenants, tenant -> false, Duration.ofDays(365), Clock.systemUTC());
    }

    /**
     * @param listing whether this instance lists the tenant's content at the moment (only its polls count)
     * @param stallAfter how long a content type's polls may all fail before it is reported
     */
    public ContentTypeHealthCheck(boolean severalTenants, Predicate<String> listing, Duration stallAfter,
            Clock clock) {
        super("o365", "content-types");
        this.severalTenants = severalTenants;
        this.listing = listing;
        this.stallAfter = stallAfter;
        this.clock = clock;
    }

    /** A tenant no longer collected (or whose settings changed): what was recorded of it is forgotten. */
    public void forget(String tenant) {
        stopped.values().removeIf(s -> s.tenant().equals(tenant));
        polls.keySet().removeIf(polled -> polled.tenant().equals(tenant));
    }

    /** Records that a tenant's content type listing stopped for good, and why (the exchange's failure). */
    public void stopped(String tenant, String contentType, Exchange exchange) {
        stopped.put(PollReport.label(tenant, contentType),
                new Stopped(tenant, contentType, FailureReason.of(exchange)));
    }

    /** A tenant's content type polls (again): it is no longer reported as stopped. */
    public void polling(String tenant, String contentType) {
        stopped.remove(PollReport.label(tenant, contentType));
        polls.computeIfAbsent(new PolledType(tenant, contentType), k -> new Polls(clock.instant()));
    }

    /** A poll of the content type listed everything up to now. */
    public void listed(String tenant, String contentType) {
        Polls p = polls.computeIfAbsent(new PolledType(tenant, contentType), k -> new Polls(clock.instant()));
        p.lastSuccess = clock.instant();
        p.lastFailure = null;
    }

    /** A poll of the content type failed (it is tried again at the next one): why. */
    public void pollFailed(String tenant, String contentType, Exchange exchange) {
        polls.computeIfAbsent(new PolledType(tenant, contentType), k -> new Polls(clock.instant())).lastFailure =
                FailureReason.of(exchange);
    }

    /**
     * One tenant's content types that are not collected, with the reason: stopped by a fatal answer, or polls all
     * failing for longer than {@code o365.stall-after} on this instance, which lists the tenant.
     */
    public Map<String, String> uncollectedContentTypes(String tenant) {
        Map<String, String> reasons = new TreeMap<>();
        stopped.values().stream().filter(s -> s.tenant().equals(tenant))
                .forEach(s -> reasons.put(s.contentType(), s.reason()));
        if (listing.test(tenant)) {
            Instant now = clock.instant();
            polls.forEach((polled, p) -> {
                String contentType = polled.contentType();
                Instant lastProgress = p.lastSuccess == null ? p.since : p.lastSuccess;
                if (polled.tenant().equals(tenant) && p.lastFailure != null && !reasons.containsKey(contentType)
                        && Duration.between(lastProgress, now).compareTo(stallAfter) > 0) {
                    long seconds = Duration.between(lastProgress, now).toSeconds();
                    reasons.put(contentType, "no poll has succeeded for " + (seconds < 120 ? seconds + " s"
                            : seconds / 60 + " min") + " (O365_STALL_AFTER); the last failed: " + p.lastFailure);
                }
            });
        }
        return reasons;
    }

    @Override
    public boolean isLiveness() {
        // a restart does not grant a permission: the process stays alive, and says so through readiness
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> notCollected = new TreeMap<>();
        polls.keySet().stream().map(PolledType::tenant).distinct()
                .forEach(tenant -> uncollectedContentTypes(tenant)
                        .forEach((type, reason) -> notCollected.put(PollReport.label(tenant, type), reason)));
        stopped.forEach((label, s) -> notCollected.put(label, s.reason()));
        if (notCollected.isEmpty()) {
            builder.up();
            return;
        }
        StringBuilder message = new StringBuilder("not collected: ");
        notCollected.forEach((label, reason) -> {
            message.append(label).append(" (").append(reason).append("); ");
            builder.detail(label, reason);
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
