package io.github.o365auditcamel.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-credentials tokens from the Microsoft identity platform (v2 endpoint), cached until shortly before they
 * expire. Camel's http OAuth support caches per request URL (a token per blob) and cannot drop a token the API
 * refused, so this small bean does the job: one token for every call, renewed early, dropped on a 401.
 */
public class TokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);
    private static final Duration MAX_RENEWAL_MARGIN = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenEndpoint;
    private final String form;
    private final Clock clock;
    private final HttpClient http;

    private final CollectorMetrics metrics;
    private String accessToken;
    private volatile String lastFailure = "no token requested yet";
    private Instant renewAt = Instant.MIN;

    public TokenProvider(CollectorSettings settings, CollectorMetrics metrics) {
        this(settings, Clock.systemUTC(), metrics);
    }

    public TokenProvider(CollectorSettings settings, Clock clock, CollectorMetrics metrics) {
        this.tokenEndpoint = URI.create(settings.tokenEndpoint());
        this.form = "grant_type=client_credentials"
                + "&client_id=" + encode(settings.clientId())
                + "&client_secret=" + encode(settings.clientSecret())
                + "&scope=" + encode(settings.tokenScope());
        this.clock = clock;
        this.metrics = metrics;
        this.http = httpClient(settings);
    }

    /** The client for the login host: through the proxy, when one is set, with its credentials. */
    private static HttpClient httpClient(CollectorSettings settings) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        URI proxy = settings.proxy();
        if (proxy != null) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())));
            if (settings.proxyUsername() != null) {
                PasswordAuthentication proxyCredentials = new PasswordAuthentication(settings.proxyUsername(),
                        settings.proxyPassword().toCharArray());
                builder.authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        // the proxy's credentials go to the proxy only
                        return getRequestorType() == RequestorType.PROXY ? proxyCredentials : null;
                    }
                });
            }
        }
        return builder.build();
    }

    /**
     * Why the last token request failed (one line, no secret), or null when it succeeded; "no token requested yet"
     * before the first. For readiness.
     */
    public String lastFailure() {
        return lastFailure;
    }

    /** The {@code Authorization} header value for an API call: {@code Bearer <token>}. */
    public String authorizationHeader() {
        return "Bearer " + token();
    }

    /** A valid access token, requested anew when none is cached or the cached one is about to expire. */
    public synchronized String token() {
        if (accessToken == null || !clock.instant().isBefore(renewAt)) {
            requestToken();
        }
        return accessToken;
    }

    /** Forgets the cached token, after the API refused it with a 401. */
    public synchronized void invalidate() {
        LOG.info("Management API refused the access token (401); requesting a new one");
        accessToken = null;
    }

    private void requestToken() {
        try {
            requestTokenFromLoginHost();
            lastFailure = null;
            metrics.tokenRequested(true);
        } catch (TokenRequestException e) {
            lastFailure = e.getMessage();
            metrics.tokenRequested(false);
            throw e;
        }
    }

    private void requestTokenFromLoginHost() {
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenRequestException("token endpoint " + tokenEndpoint + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenRequestException("interrupted while requesting a token from " + tokenEndpoint, e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200 || body == null || !body.hasNonNull("access_token")) {
            throw new TokenRequestException("token request refused by " + tokenEndpoint + ": HTTP "
                    + response.statusCode() + " " + describeError(body, response.body()), response.statusCode());
        }
        Instant now = clock.instant();
        // v2 sends expires_in as a number, v1 as a string
        long lifetimeSeconds = body.path("expires_in").asLong(3599);
        Duration lifetime = Duration.ofSeconds(Math.max(1, lifetimeSeconds));
        Duration margin = lifetime.dividedBy(5).compareTo(MAX_RENEWAL_MARGIN) < 0
                ? lifetime.dividedBy(5) : MAX_RENEWAL_MARGIN;
        accessToken = body.get("access_token").asText();
        renewAt = now.plus(lifetime).minus(margin);
        LOG.debug("Obtained an access token valid for {} s", lifetimeSeconds);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** "invalid_client AADSTS7000215: Invalid client secret provided." — the first line of the description only. */
    static String describeError(JsonNode body, String raw) {
        if (body == null || !body.has("error")) {
            String text = raw == null ? "" : raw.strip();
            return text.length() > 200 ? text.substring(0, 200) + "…" : text;
        }
        String description = body.path("error_description").asText("");
        int lineEnd = description.indexOf('\r') >= 0 ? description.indexOf('\r') : description.indexOf('\n');
        String firstLine = lineEnd >= 0 ? description.substring(0, lineEnd) : description;
        return (body.path("error").asText() + " " + firstLine).strip();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
