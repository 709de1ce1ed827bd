package io.github.o365auditcamel.history;

/**
 * Microsoft Graph refused or failed an audit log query request, or the query itself failed: one line saying which
 * request and why, never the token. The gap's repair tries again later.
 */
public class GraphQueryException extends RuntimeException {

    private final int status;

    public GraphQueryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public GraphQueryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** The HTTP status Graph answered, or -1 (no answer, or a query that failed). */
    public int status() {
        return status;
    }
}
