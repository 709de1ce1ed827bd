package io.github.o365auditcamel.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * One limit on API requests per minute for the tenant, shared by every route (listing, fetching, subscriptions), so
 * that the collector slows itself down before the service has to (the service allows about 2,000 a minute per
 * tenant). Camel's Throttle EIP counts per route node, hence this one bean, backed by resilience4j's rate limiter:
 * the minute's allowance is handed out a second at a time, so bursts stay small.
 */
public class ApiRateLimiter {

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final RateLimiter limiter;
    private final AtomicLong waits = new AtomicLong();

    public ApiRateLimiter(CollectorSettings settings) {
        this(settings.apiRequestsPerMinute());
    }

    public ApiRateLimiter(int requestsPerMinute) {
        int perSecond = Math.max(1, (int) Math.ceil(requestsPerMinute / 60.0));
        this.limiter = RateLimiter.of("o365-management-api", RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(MAX_WAIT)
                .build());
    }

    /** Waits, if needed, until one more request is allowed. */
    public void acquire() {
        if (limiter.getMetrics().getAvailablePermissions() <= 0) {
            waits.incrementAndGet();
        }
        if (!limiter.acquirePermission()) {
            throw new IllegalStateException("no API request allowed within " + MAX_WAIT.toMinutes()
                    + " minutes (o365.api.requests-per-minute)");
        }
    }

    /** How many requests had to wait for the limit. */
    public long waits() {
        return waits.get();
    }
}
