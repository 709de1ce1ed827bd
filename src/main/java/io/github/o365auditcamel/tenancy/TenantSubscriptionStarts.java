package io.github.o365auditcamel.tenancy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.o365auditcamel.api.SubscriptionStartWaits;
import io.github.o365auditcamel.state.TenantState;

/**
 * The routes' bean {@code tenantSubscriptionStarts}: keeps each tenant's {@code subscriptions/start} requests at least
 * {@code o365.subscription-start-interval} apart (Microsoft's rule: 15 minutes), whichever instance sends them and
 * however often it restarts. Each request is first written down in the tenant's state (the state topic), and only
 * then sent: an instance that dies right after sending it still holds the next one back, and so does every other
 * instance, which reads the state topic up to now before it asks.
 */
public class TenantSubscriptionStarts {

    private final Tenants tenants;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public TenantSubscriptionStarts(Tenants tenants, Duration interval, Clock clock) {
        this.tenants = tenants;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Claims the tenant's next start request for the content type, or throws {@link SubscriptionStartWaits} with the
     * time it is due when the tenant's last request is too recent.
     */
    public void claim(String tenant, String contentType) {
        synchronized (locks.computeIfAbsent(tenant, t -> new Object())) {
            TenantState state = tenants.get(tenant).stateStore();
            Instant now = clock.instant();
            Optional<Instant> last = state.lastSubscriptionStart();
            if (last.isPresent() && now.isBefore(last.get().plus(interval))) {
                throw new SubscriptionStartWaits(contentType, last.get().plus(interval), interval);
            }
            state.recordSubscriptionStart(now);
        }
    }
}
