package io.github.o365auditcamel.fetch;

/**
 * A content reference (a listing entry) that cannot be fetched as it is: no {@code contentUri}, a {@code contentId}
 * of another shape than the service's, or a {@code contentType} other than the one listed. Dead-lettered with its
 * reason code, never retried: the same entry fails the same way.
 */
public class InvalidReferenceException extends RuntimeException {

    private final String reasonCode;

    public InvalidReferenceException(String reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    /** {@code invalid-reference} or {@code content-type-mismatch}. */
    public String reasonCode() {
        return reasonCode;
    }
}
