package io.github.o365auditcamel.auth;

import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.MsalServiceException;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-credentials tokens for one tenant from the Microsoft identity platform (v2 endpoint), through Microsoft's
 * MSAL4J: with a client secret, or with a certificate (MSAL signs a fresh client assertion, RS256 with the
 * certificate's thumbprint, for every token request). The token is kept here until shortly before it expires (a
 * fifth of its lifetime, at most five minutes) or until the API refuses it (401). MSAL's own cache is not used: in
 * 1.23 it misses whenever the login URL carries a port (a proxy, a test), as it stores the host and looks up
 * host:port.
 */
public class TokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(TokenProvider.class);
    private static final long REQUEST_TIMEOUT_SECONDS = 60;
    private static final Duration MAX_RENEWAL_MARGIN = Duration.ofMinutes(5);

    private final ConfidentialClientApplication application;
    private final ClientCredentialParameters fresh;
    private final String tokenEndpoint;
    private final CollectorMetrics metrics;
    /** the API the tokens are for, in log lines: "Management API" or "Microsoft Graph" */
    private final String audience;
    private volatile String lastFailure = "no token requested yet";
    private String accessToken;
    private Instant renewAt = Instant.MIN;

    /** With a login host client of its own: for one tenant alone (tests). */
    public TokenProvider(CollectorSettings settings, CollectorMetrics metrics) {
        this(settings, metrics, loginHostClient(settings));
    }

    /**
     * The HTTP client for the login host of every tenant: the proxy and the trusted certificates are the deployment's,
     * so one client (one selector thread, one connection pool) serves them all.
     */
    public static IHttpClient loginHostClient(CollectorSettings settings) {
        return new LoginHostClient(settings.proxy(), settings.proxyUsername(), settings.proxyPassword(),
                settings.trustedCertificates());
    }

    /** The JDK's HTTP client through the deployment's proxy, trusting its extra authorities, as the login host's. */
    public static java.net.http.HttpClient proxiedHttpClient(CollectorSettings settings) {
        return LoginHostClient.jdkClient(settings.proxy(), settings.proxyUsername(), settings.proxyPassword(),
                settings.trustedCertificates());
    }

    /**
     * Tokens for the Management Activity API.
     *
     * @param loginHost the deployment's client for the login host ({@link #loginHostClient})
     */
    public TokenProvider(CollectorSettings settings, CollectorMetrics metrics, IHttpClient loginHost) {
        this(settings, metrics, loginHost, settings.tokenScope(), "Management API");
    }

    /** Tokens for Microsoft Graph ({@code https://graph.microsoft.com/.default}), to repair gaps. */
    public static TokenProvider forGraph(CollectorSettings settings, CollectorMetrics metrics, IHttpClient loginHost) {
        return new TokenProvider(settings, metrics, loginHost,
                io.github.o365auditcamel.config.GapRepairSettings.GRAPH_SCOPE, "Microsoft Graph");
    }

    private TokenProvider(CollectorSettings settings, CollectorMetrics metrics, IHttpClient loginHost, String scope,
            String audience) {
        this.metrics = metrics;
        this.audience = audience;
        this.tokenEndpoint = settings.tokenEndpoint();
        IClientCredential credential;
        // the Management API's provider says how the app authenticates; a second one, for Graph, need not again
        boolean announce = scope.equals(settings.tokenScope());
        if (settings.clientCertificate() != null) {
            CertificateFile certificate = CertificateFile.load(settings.clientCertificate(),
                    settings.clientCertificatePassword() == null ? new char[0]
                            : settings.clientCertificatePassword().toCharArray());
            credential = ClientCredentialFactory.createFromCertificateChain(certificate.privateKey(),
                    certificate.chain());
            if (announce) {
                LOG.info("Tenant {} ({}): app {} authenticates with the certificate {}, thumbprint {}, valid until {}",
                        settings.tenantName(), settings.tenantId(), settings.clientId(), certificate.subject(),
                        certificate.sha1Thumbprint(), certificate.notAfter());
            }
            if (announce && certificate.notAfter().isBefore(Instant.now().plus(Duration.ofDays(30)))) {
                LOG.warn("Tenant {}: the certificate {} expires on {}: upload its successor to the app registration"
                        + " and mount it before then", settings.tenantName(), certificate.sha1Thumbprint(),
                        certificate.notAfter());
            }
        } else {
            credential = ClientCredentialFactory.createFromSecret(settings.clientSecret());
            if (announce) {
                LOG.info("Tenant {} ({}): app {} authenticates with a client secret", settings.tenantName(),
                        settings.tenantId(), settings.clientId());
            }
        }
        try {
            this.application = ConfidentialClientApplication.builder(settings.clientId(), credential)
                    .authority(settings.loginUrl() + "/" + settings.tenantId() + "/")
                    // the login host is known from the cloud setting: no discovery call to another host
                    .instanceDiscovery(false)
                    // the assertion names the certificate by thumbprint, as for a certificate uploaded to the app
                    .sendX5c(false)
                    // retries are the routes' business, as for every API call
                    .disableInternalRetries()
                    .httpClient(loginHost)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("login URL " + settings.loginUrl() + " is not a URL", e);
        }
        this.fresh = ClientCredentialParameters.builder(Set.of(scope)).skipCache(true).build();
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

    /** A valid access token: the one kept, or a new one when there is none, it is about to expire or was refused. */
    public synchronized String token() {
        Instant now = Instant.now();
        if (accessToken != null && now.isBefore(renewAt)) {
            return accessToken;
        }
        IAuthenticationResult result;
        try {
            result = application.acquireToken(fresh).get(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(new TokenRequestException("interrupted while requesting a token from " + tokenEndpoint, e));
        } catch (TimeoutException e) {
            throw failed(new TokenRequestException("token endpoint " + tokenEndpoint + " did not answer within "
                    + REQUEST_TIMEOUT_SECONDS + " s", e));
        } catch (ExecutionException e) {
            throw failed(describe(e.getCause() == null ? e : e.getCause()));
        }
        Instant expires = result.expiresOnDate().toInstant();
        Duration lifetime = Duration.between(now, expires);
        Duration margin = lifetime.dividedBy(5).compareTo(MAX_RENEWAL_MARGIN) < 0
                ? lifetime.dividedBy(5) : MAX_RENEWAL_MARGIN;
        accessToken = result.accessToken();
        renewAt = expires.minus(margin);
        lastFailure = null;
        metrics.tokenRequested(true);
        LOG.debug("Obtained an access token valid until {}", expires);
        return accessToken;
    }

    /** Forgets the token, after the API refused it with a 401. */
    public synchronized void invalidate() {
        LOG.info("{} refused the access token (401); requesting a new one", audience);
        accessToken = null;
    }

    private TokenRequestException failed(TokenRequestException e) {
        lastFailure = e.getMessage();
        metrics.tokenRequested(false);
        return e;
    }

    /** "token request refused by …: HTTP 401 invalid_client AADSTS7000215: Invalid client secret provided." */
    private TokenRequestException describe(Throwable failure) {
        if (failure instanceof MsalServiceException refusal) {
            Integer status = refusal.statusCode();
            return new TokenRequestException("token request refused by " + tokenEndpoint + ": HTTP "
                    + (status == null ? "?" : status) + " " + (refusal.errorCode() + " "
                    + firstLine(refusal.getMessage())).strip(), status == null ? -1 : status);
        }
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                // no cause attached: an unreachable login host is not retried call by call (the API retries' back-off
                // would hold a poll for minutes); the next poll asks again, and says why in one line
                return new TokenRequestException("token endpoint " + tokenEndpoint + " unreachable: "
                        + NetworkFailure.describe(cause), -1);
            }
        }
        // an answer that is no token and no Entra error (a gateway's HTML page, say)
        return new TokenRequestException("token request to " + tokenEndpoint + " failed: "
                + firstLine(failure.getMessage()), failure);
    }

    /** The first line of an error description (Entra appends trace and correlation ids on the next lines). */
    static String firstLine(String description) {
        if (description == null) {
            return "";
        }
        int end = description.indexOf('\r') >= 0 ? description.indexOf('\r') : description.indexOf('\n');
        String line = end >= 0 ? description.substring(0, end) : description;
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
