package io.github.o365auditcamel.api;

import java.time.Duration;
import java.time.Instant;

import org.apache.camel.util.ObjectHelper;

/**
 * A {@code subscriptions/start} request that was not sent: the tenant's last one is more recent than the service
 * allows (Microsoft's rule: 15 minutes between start requests). Nothing failed; the start is due at {@link #dueAt}.
 */
public class SubscriptionStartWaits extends RuntimeException {

    private final Instant dueAt;

    public SubscriptionStartWaits(String contentType, Instant dueAt, Duration interval) {
        super(contentType + ": its subscription start waits until " + dueAt + ": the tenant's last start request was"
                + " less than " + interval.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + " ago (Microsoft's rule, O365_SUBSCRIPTION_START_INTERVAL)", null, false, false);
        this.dueAt = dueAt;
    }

    /** When the next start request of the tenant may be sent. */
    public Instant dueAt() {
        return dueAt;
    }

    /** Milliseconds from now until then (at least 1 s). */
    public long millisUntilDue() {
        return Math.max(1_000, Duration.between(Instant.now(), dueAt).toMillis());
    }

    /** The start that waits behind a failure, wherever Camel wrapped it (a split wraps its parts' failures), or null. */
    public static SubscriptionStartWaits in(Throwable failure) {
        return ObjectHelper.getException(SubscriptionStartWaits.class, failure);
    }
}
