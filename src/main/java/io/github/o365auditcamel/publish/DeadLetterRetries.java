package io.github.o365auditcamel.publish;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.BlobFailures;
import io.github.o365auditcamel.routes.Stopping;
import io.github.o365auditcamel.state.TenantState;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * Decides which dead letters the route {@code retry-dead-letters} fetches again, and holds each until its retry is
 * due. A dead letter is fetched again only if it belongs to this tenant, carries a {@code retryAt} (a transient
 * failure, not poison), and is still its blob's pending retry in the state topic: a letter read a second time (after
 * a restart, say) finds the blob already published, dead-lettered again or given up on, and is passed over.
 */
public class DeadLetterRetries {

    /** The wait is cut into steps this long, so that a stopping route is not held up. */
    private static final long STEP_MILLIS = 500;

    private final CollectorSettings settings;
    private final TenantState stateStore;

    public DeadLetterRetries(CollectorSettings settings, TenantState stateStore) {
        this.settings = settings;
        this.stateStore = stateStore;
    }

    /** Whether the dead letter in the body (its JSON value as a map) is one to fetch again. */
    public boolean isPending(Map<String, Object> letter) {
        if (letter == null || !settings.tenantId().equals(letter.get("tenantId")) || letter.get("retryAt") == null
                || !settings.contentTypes().contains(String.valueOf(letter.get("contentType")))) {
            return false;
        }
        Object count = letter.get("deadLetterCount");
        Integer pending = stateStore.pendingRetry(String.valueOf(letter.get("contentId")));
        return pending != null && count instanceof Number n && pending == n.intValue();
    }

    /**
     * Waits until the dead letter's {@code retryAt}, then sets the variables that {@code fetch-blob} reads
     * ({@code contentType}, {@code contentId}, {@code contentUri}, {@code contentCreated}). Throws when the route or
     * the application stops meanwhile: the letter is then not committed, and read again at the next start.
     */
    public void awaitRetry(Exchange exchange) throws InterruptedException, InvalidPayloadException {
        @SuppressWarnings("unchecked")
        Map<String, Object> letter = exchange.getMessage().getMandatoryBody(Map.class);
        Instant retryAt = Instant.parse(String.valueOf(letter.get("retryAt")));
        while (true) {
            long left = Duration.between(Instant.now(), retryAt).toMillis();
            if (left <= 0) {
                break;
            }
            if (Stopping.of(exchange)) {
                throw new RetryPostponedException("stopping: the retry of blob " + letter.get("contentId")
                        + " stays in the dead-letter topic for the next start");
            }
            Thread.sleep(Math.min(left, STEP_MILLIS));
        }
        exchange.setVariable("contentType", letter.get("contentType"));
        exchange.setVariable("contentId", letter.get("contentId"));
        exchange.setVariable("contentUri", letter.get("contentUri"));
        exchange.setVariable("contentCreated", letter.get("contentCreated"));
        exchange.setVariable(BlobFailures.DEAD_LETTER_COUNT_VARIABLE, letter.get("deadLetterCount"));
    }

    /** How long the consumer of the dead-letter topic may hold one letter: the longest wait plus a fetch. */
    public static long maxPollIntervalMillis(CollectorSettings settings) {
        return settings.deadLetterMaxRetryDelay().plusMinutes(30).toMillis();
    }

    /** The wait for a retry was cut short by a stop; the dead letter is read again at the next start. */
    public static class RetryPostponedException extends RuntimeException {
        public RetryPostponedException(String message) {
            super(Objects.requireNonNull(message));
        }
    }
}
