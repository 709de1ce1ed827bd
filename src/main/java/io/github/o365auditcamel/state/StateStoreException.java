package io.github.o365auditcamel.state;

/** The state topic could not be read or written. */
public class StateStoreException extends RuntimeException {

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
