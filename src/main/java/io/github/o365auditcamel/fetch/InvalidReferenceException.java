package io.github.o365auditcamel.fetch;

/**
 * A content reference (a listing entry) that cannot be fetched as it is: no {@code contentUri}, a {@code contentId}
 * of another shape than the service's, or a {@code contentType} other than the one listed. Dead-lettered with its
 * reason, never retried: the same entry fails the same way.
 */
public class InvalidReferenceException extends RuntimeException {

    private final DeadLetterReason reason;

    public InvalidReferenceException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** {@link DeadLetterReason#INVALID_REFERENCE} or {@link DeadLetterReason#CONTENT_TYPE_MISMATCH}. */
    public DeadLetterReason reason() {
        return reason;
    }
}
