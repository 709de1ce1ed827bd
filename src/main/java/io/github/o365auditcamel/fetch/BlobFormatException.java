package io.github.o365auditcamel.fetch;

/** A blob is not the JSON array of audit records the API promises: truncated, not an array, a record without Id. */
public class BlobFormatException extends RuntimeException {

    public BlobFormatException(String message) {
        super(message);
    }
}
