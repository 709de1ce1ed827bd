package io.github.o365auditcamel.fetch;

/**
 * How a reference ends when its blob failed: decided in one place, {@link BlobFailures#decide}, from the failure and
 * the classifier's outcome, and carried out by route {@code fetch-blob}, which hands the blob to the route named here.
 * A failure of the collector's own side (Kafka, the state topic, the token endpoint) has no fate: it does not end the
 * reference, and the fetcher tries the same reference again.
 */
public enum BlobFate {
    /**
     * The blob will not heal: poison content, a URI off the API host, an entry that cannot be fetched as it is,
     * a URI the service refuses (AF20052), a redirect, or a failure nobody foresaw. Route {@code dead-letter-blob},
     * not fetched again.
     */
    DEAD_LETTER,
    /**
     * The blob failed in a way that may heal (408, 5xx, a broken connection, a timeout, a refusal that a change of
     * permissions or subscription can lift) once the API retries were spent. Route {@code dead-letter-blob}, and
     * fetched again later by route {@code retry-dead-letters}.
     */
    DEAD_LETTER_AND_RETRY,
    /** Its GET was throttled (AF429): route {@code defer-blob}, fetched again after the service's Retry-After. */
    DEFER_THROTTLED,
    /**
     * It failed as above, and so did the tenant's blobs before it: the service looks down. Route {@code defer-blob},
     * fetched again after {@code O365_DEADLETTER_RETRY_DELAY} without using up a retry.
     */
    DEFER_OUTAGE,
    /** The service no longer has it (AF20050 gone, AF20051 expired): route {@code skip-blob}. */
    SKIP;

    /** Whether the blob waits in the state topic without a dead letter (route {@code defer-blob}). */
    public boolean isDeferred() {
        return this == DEFER_THROTTLED || this == DEFER_OUTAGE;
    }

    /** Whether the blob goes to the dead-letter topic (route {@code dead-letter-blob}). */
    public boolean isDeadLettered() {
        return this == DEAD_LETTER || this == DEAD_LETTER_AND_RETRY;
    }
}
