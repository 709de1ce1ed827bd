package io.github.o365auditcamel.progress;

import org.apache.camel.Exchange;

/**
 * One line that says why something failed, for logs and dead letters: our own exception's message wherever Camel
 * wrapped it (splits and bean calls add layers), else the root cause's.
 */
public class FailureReason {

    private static final int MAX_LENGTH = 500;

    /** The reason of the failure an exchange carries (in an error handler, the caught exception). */
    public String describe(Exchange exchange) {
        return of(exchange);
    }

    /** The same, for Java callers. */
    public static String of(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return of(failure);
    }

    public static String of(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        Throwable chosen = failure;
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            root = t;
            if (t.getClass().getName().startsWith("io.github.o365auditcamel.")) {
                chosen = t;
                break;
            }
        }
        if (chosen == failure && root != failure) {
            chosen = root;
        }
        String message = chosen.getMessage() == null ? chosen.getClass().getSimpleName()
                : chosen.getClass().getName().startsWith("io.github.o365auditcamel.") ? chosen.getMessage()
                : chosen.getClass().getSimpleName() + ": " + chosen.getMessage();
        String oneLine = message.replaceAll("\\s+", " ").strip();
        return oneLine.length() > MAX_LENGTH ? oneLine.substring(0, MAX_LENGTH) + "…" : oneLine;
    }
}
