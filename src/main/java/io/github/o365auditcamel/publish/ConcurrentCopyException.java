package io.github.o365auditcamel.publish;

/**
 * A blob shares records (copies the service serves in two blobs) with another blob that was published while it was
 * being sent, so committing it would put those records into Kafka twice: its transaction is aborted and the blob is
 * fetched again, and then those records are dropped as already published. Retried like a transient API failure.
 */
public class ConcurrentCopyException extends RuntimeException {

    public ConcurrentCopyException(String message) {
        super(message);
    }
}
