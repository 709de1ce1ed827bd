package io.github.o365auditcamel.api;

/** A classified failure of a Management Activity API call. */
public class ManagementApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final ApiOutcome outcome;

    public ManagementApiException(int status, String code, String message, ApiOutcome outcome) {
        super("Management API answered HTTP " + status + (code == null ? "" : " " + code) + ": " + message
                + " (" + outcome.name().toLowerCase().replace('_', ' ') + ")");
        this.status = status;
        this.code = code;
        this.outcome = outcome;
    }

    public int status() {
        return status;
    }

    /** The AF error code, or null when the body carried none (an HTML page, for example). */
    public String code() {
        return code;
    }

    public ApiOutcome outcome() {
        return outcome;
    }

    public boolean isRetryable() {
        return outcome == ApiOutcome.RETRY;
    }

    /** Throttled: AF429, answered as 429 or 403. */
    public boolean isThrottled() {
        return "AF429".equals(code) || status == 429;
    }
}
