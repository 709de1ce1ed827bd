package io.github.o365auditcamel.fetch;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.o365auditcamel.api.ApiOutcome;
import io.github.o365auditcamel.api.ForeignUriException;
import io.github.o365auditcamel.api.ManagementApiException;
import io.github.o365auditcamel.auth.TokenRequestException;
import io.github.o365auditcamel.publish.ConcurrentCopyException;
import io.github.o365auditcamel.routes.ExchangeVariables;
import io.github.o365auditcamel.state.StateStoreException;
import org.apache.camel.Exchange;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Tells a failure of the blob itself that may heal by itself (throttling, 408, 5xx, a broken connection, a
 * timeout: still failing once the API retries are spent) from everything else. Such a blob is dead-lettered and
 * fetched again later; a failure of Kafka, of the state topic or of the token endpoint is not the blob's fault, and
 * the fetcher waits and tries the same reference again, so that nothing is dead-lettered because the collector's own
 * side is down.
 * <p>
 * One blob that keeps failing is the blob's problem; several in a row are the service's. After
 * {@value #OUTAGE_THRESHOLD} blobs of a tenant's content type in a row failed that way, with no success in between, each
 * further one is deferred instead ({@link #looksDown}), so that an outage of the tenant's API neither turns into a
 * dead letter per blob nor holds the fetchers every tenant shares.
 */
public class BlobFailures {

    /** Blobs in a row, without a success in between, whose transient failure counts as an outage. */
    public static final int OUTAGE_THRESHOLD = 3;

    private final Map<String, AtomicInteger> failuresInARow =
            new ConcurrentHashMap<>();

    /**
     * Decides how the reference of a blob that failed ends (route {@code fetch-blob}, in its catch): the one place
     * where a blob's failure and the classifier's outcome become a {@link BlobFate}, set as the variable
     * {@code blobFate} for the route to carry out. A failure of the collector's own side ({@link #isOurs}) ends
     * nothing: it is thrown again, to the fetcher, which waits and tries the same reference again.
     */
    public void decide(Exchange exchange) throws Exception {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String tenant = exchange.getVariable(ExchangeVariables.TENANT, String.class);
        String contentType = exchange.getVariable(ExchangeVariables.CONTENT_TYPE, String.class);
        exchange.setVariable(ExchangeVariables.BLOB_FATE, fateOf(failure, tenant, contentType, exchange));
    }

    /** The fate of a blob that failed so (see {@link #decide}); a failure of our own side is thrown again. */
    BlobFate fateOf(Throwable failure, String tenant, String contentType, Exchange exchange) throws Exception {
        ManagementApiException answer = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BlobFormatException || t instanceof InvalidReferenceException
                    || t instanceof ForeignUriException) {
                // the same bytes, or the same entry, would fail the same way
                return BlobFate.DEAD_LETTER;
            }
            if (answer == null && t instanceof ManagementApiException api) {
                answer = api;
            }
        }
        if (answer != null && answer.outcome() == ApiOutcome.DEAD_LETTER) {
            return BlobFate.DEAD_LETTER;
        }
        if (answer != null && answer.outcome() == ApiOutcome.SKIP) {
            return BlobFate.SKIP;
        }
        if (answer != null && answer.isThrottled()) {
            return BlobFate.DEFER_THROTTLED;
        }
        if (isTransient(failure)) {
            return looksDown(tenant, contentType, exchange) ? BlobFate.DEFER_OUTAGE : BlobFate.DEAD_LETTER_AND_RETRY;
        }
        if (!isOurs(failure)) {
            return BlobFate.DEAD_LETTER;
        }
        if (failure instanceof Exception exception) {
            throw exception;
        }
        throw (Error) failure;
    }

    /**
     * Counts a blob that failed transiently; whether it is the {@value #OUTAGE_THRESHOLD}th in a row (or more) for its
     * tenant and content type: the service looks down, and the blob is deferred rather than dead-lettered, so that an
     * outage neither uses up retries nor holds a fetcher that every tenant shares.
     * <p>
     * A blob fetched again as a retry (the variable {@code deadLetterCount} is set) was counted when it first failed,
     * and is not counted again: one blob that keeps failing is still that blob's problem, and goes back to the
     * dead-letter topic with its next retry. Only while the service already looks down (the threshold reached by
     * other blobs, no success since) is the retry deferred too.
     */
    public boolean looksDown(String tenant, String contentType, Exchange exchange) {
        AtomicInteger count = failuresInARow.computeIfAbsent(tenant + "|" + contentType, t -> new AtomicInteger());
        boolean deadLetterRetry = exchange.getVariable(ExchangeVariables.DEAD_LETTER_COUNT) != null;
        int inARow = deadLetterRetry ? count.get() : count.incrementAndGet();
        return inARow >= OUTAGE_THRESHOLD;
    }

    /** A blob of the tenant's content type was published: the count of failures in a row starts again. */
    public void succeeded(String tenant, String contentType) {
        AtomicInteger count = failuresInARow.get(tenant + "|" + contentType);
        if (count != null) {
            count.set(0);
        }
    }

    /**
     * Whether a failure is the collector's own side failing (Kafka unavailable, the state topic, the token endpoint),
     * not the blob's: the fetcher waits and handles the same reference again. Everything else is the blob's, and ends it: dead-lettered, retried later from there, or skipped.
     */
    public boolean isOurs(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof InvalidRecordException
                    || t instanceof RecordBatchTooLargeException) {
                // Kafka refuses the blob's own bytes: the blob's fault, however long the wait
                return false;
            }
            if (t instanceof KafkaException || t instanceof StateStoreException || t instanceof TokenRequestException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure is the blob's and will not heal: dead-lettered for good (see {@link #isOurs}). */
    public boolean isPermanent(Throwable failure) {
        return !isOurs(failure) && !isTransient(failure);
    }

    /** The dead letter's reason code of a blob that failed so (see {@link DeadLetterReason}). */
    public static DeadLetterReason reasonOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidReferenceException invalid) {
                return invalid.reason();
            }
            if (t instanceof ForeignUriException) {
                return DeadLetterReason.FOREIGN_URI;
            }
            if (t instanceof BlobFormatException) {
                return DeadLetterReason.MALFORMED_CONTENT;
            }
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return DeadLetterReason.RECORD_TOO_LARGE;
            }
            if (t instanceof ManagementApiException api) {
                if (api.status() >= 300 && api.status() < 400) {
                    return DeadLetterReason.REDIRECT;
                }
                return api.isRetryable() ? DeadLetterReason.TRANSIENT : DeadLetterReason.REFUSED_BY_SERVICE;
            }
            if (t instanceof IOException || t instanceof ConcurrentCopyException) {
                return DeadLetterReason.TRANSIENT;
            }
        }
        return DeadLetterReason.UNEXPECTED;
    }

    /** Whether a failure is a transient failure of the blob's download (see the class documentation). */
    public boolean isTransient(Throwable failure) {
        boolean transientCause = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KafkaException || t instanceof StateStoreException || t instanceof TokenRequestException) {
                return false;
            }
            if (t instanceof ManagementApiException api) {
                // a refusal that may heal (a permission granted meanwhile, a subscription the listing starts again)
                // too; a redirect never does
                transientCause |= api.isRetryable() || api.outcome() == ApiOutcome.START_SUBSCRIPTION
                        || (api.outcome() == ApiOutcome.FATAL && api.status() >= 400);
            } else if (t instanceof IOException || t instanceof ConcurrentCopyException) {
                transientCause = true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return transientCause;
    }
}
