package io.github.o365auditcamel.api;

/** A URI served by the API points somewhere other than the configured API host; the token is never sent there. */
public class ForeignUriException extends RuntimeException {

    public ForeignUriException(String message) {
        super(message);
    }
}
