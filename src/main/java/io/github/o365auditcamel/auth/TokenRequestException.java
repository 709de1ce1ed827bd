package io.github.o365auditcamel.auth;

/** The identity platform refused or failed a token request. The message names the AADSTS code and never the secret. */
public class TokenRequestException extends RuntimeException {

    private final int status;

    public TokenRequestException(String message, int status) {
        super(message);
        this.status = status;
    }

    public TokenRequestException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** HTTP status of the refusal, or -1 when the endpoint could not be reached. */
    public int status() {
        return status;
    }
}
