package io.github.o365auditcamel.api;

/** What the collector does about an API response: the columns of the one classification table. */
public enum ApiOutcome {
    /** 2xx, or a refusal that means the wanted state already holds (AF20024). */
    SUCCESS,
    /** Throttled or transient: back off, then try again. */
    RETRY,
    /** The subscription is missing or disabled: start it, then try again. */
    START_SUBSCRIPTION,
    /** The listing window was refused: compute it again from the current time. */
    RECOMPUTE_WINDOW,
    /** The blob is gone or expired: skip it, log and count. */
    SKIP,
    /** The service refuses this blob's URI (AF20052, an invalid content id): to the dead-letter topic, not retried. */
    DEAD_LETTER,
    /** Configuration or permission problem that retrying cannot fix. */
    FATAL
}
