package io.github.o365auditcamel.auth;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

import javax.net.ssl.SSLException;

/**
 * Says in a few words why a host could not be reached, from the innermost cause the JDK gives: the JDK's HTTP client
 * reports a DNS failure as a {@code ConnectException} without a message, caused by an
 * {@code UnresolvedAddressException}, which is no help in a log line.
 */
public final class NetworkFailure {

    private NetworkFailure() {
    }

    public static String describe(Throwable failure) {
        Throwable innermost = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            innermost = t;
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "its host name does not resolve (DNS)" + hostOf(t);
            }
            if (t instanceof SSLException) {
                return "TLS failed: " + t.getMessage() + " (a proxy that inspects TLS needs its authority in"
                        + " O365_TRUSTED_CERTIFICATES)";
            }
        }
        if (innermost instanceof HttpConnectTimeoutException || innermost instanceof SocketTimeoutException
                || innermost instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (innermost instanceof NoRouteToHostException) {
            return "no route to host (a firewall, or no way out of this network)";
        }
        if (innermost instanceof ConnectException) {
            String message = innermost.getMessage();
            return message == null || message.isBlank() ? "connection failed" : "connection failed: " + message;
        }
        String message = innermost.getMessage();
        return innermost.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String hostOf(Throwable t) {
        String message = t.getMessage();
        return t instanceof UnknownHostException && message != null && !message.isBlank() ? ": " + message : "";
    }
}
