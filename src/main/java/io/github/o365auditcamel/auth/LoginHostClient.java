package io.github.o365auditcamel.auth;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Set;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

/**
 * MSAL4J's HTTP client for the login host: the JDK's client, through the configured proxy with its credentials (for
 * the proxy only) and trusting the configured extra authorities. MSAL's own client would need JVM-wide settings for
 * both.
 */
final class LoginHostClient implements IHttpClient {

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");

    private final HttpClient http;

    LoginHostClient(URI proxy, String proxyUsername, String proxyPassword, TrustedCertificates trusted) {
        this.http = jdkClient(proxy, proxyUsername, proxyPassword, trusted);
    }

    /**
     * The JDK's client through the proxy, with its credentials for the proxy only, trusting the extra authorities:
     * for the login host here, and for the API host in the setup check.
     */
    static HttpClient jdkClient(URI proxy, String proxyUsername, String proxyPassword, TrustedCertificates trusted) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (trusted != null) {
            builder.sslContext(trusted.sslContext());
        }
        if (proxy != null) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())));
            if (proxyUsername != null) {
                PasswordAuthentication credentials = new PasswordAuthentication(proxyUsername,
                        proxyPassword.toCharArray());
                builder.authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        // the proxy's credentials go to the proxy only
                        return getRequestorType() == RequestorType.PROXY ? credentials : null;
                    }
                });
            }
        }
        return builder.build();
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(request.url().toURI())
                .timeout(Duration.ofSeconds(30));
        request.headers().forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                builder.header(name, value);
            }
        });
        String method = request.httpMethod().name();
        builder.method(method, request.body() == null ? BodyPublishers.noBody()
                : BodyPublishers.ofString(request.body()));
        java.net.http.HttpResponse<String> response = http.send(builder.build(), BodyHandlers.ofString());
        HttpResponse answer = new HttpResponse().statusCode(response.statusCode()).body(response.body());
        answer.addHeaders(response.headers().map());
        return answer;
    }
}
