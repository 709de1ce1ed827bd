package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.github.o365auditcamel.simulator.RequestSyntax.GUID;
import static io.github.o365auditcamel.simulator.RequestSyntax.formParameters;
import static io.github.o365auditcamel.simulator.RequestSyntax.isBlank;
import static io.github.o365auditcamel.simulator.RequestSyntax.stripTrailingSlash;

/**
 * The Microsoft identity platform token endpoints, v1 ({@code POST /{tenant}/oauth2/token}, {@code resource=}) and v2
 * ({@code POST /{tenant}/oauth2/v2.0/token}, {@code scope=}), client-credentials grant only, with Entra's AADSTS
 * error answers. The tenant in the path (GUID or verified domain) selects the tenant whose app registration is
 * checked (unknown: AADSTS90002).
 *
 * <p>Client credentials: a client secret (form field {@code client_secret} or HTTP Basic) or a certificate: form fields
 * {@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer} and {@code client_assertion=}
 * a JWT signed with the key of a certificate registered for the app ({@link SimulatorBuilder#clientCertificate},
 * {@link TenantSpec#clientCertificate}), checked as Entra does (reference section 1.2; the checks and their error
 * codes are listed in {@link ClientAssertionVerifier}): RS256 with {@code x5t} or {@code x5t#S256}, PS256 with
 * {@code x5t#S256}; {@code aud} the token endpoint URL the request was sent to (scheme, host and port as the request
 * arrived, the tenant as in the path, {@code /oauth2/v2.0/token} or {@code /oauth2/token}); {@code iss} = {@code sub} =
 * client id; {@code exp} after now and {@code nbf} at most 5 minutes ahead (the simulator's clock); a {@code jti}. A
 * request with both a client secret and a client assertion gets 400 {@code invalid_request} AADSTS700025 (Entra's
 * answer to that is undocumented; 700025 is its documented code for a credential that must not be presented, there
 * by a public client). A certificate token is like a secret one except that its {@code appidacr} claim is {@code "2"} (a
 * secret's is {@code "1"}). The v2 endpoint accepts the scope {@code <cloudResource>/.default} alone or together with
 * the OpenID scopes {@code openid}, {@code profile} and {@code offline_access}, which MSAL4J always adds and Entra
 * ignores for client credentials.
 *
 * <p>Microsoft Graph: the v2 endpoint also accepts the scope {@code https://graph.microsoft.com/.default}, whatever the
 * cloud resource (Graph's audit log query API exists only in the global cloud). Such a token has the audience
 * {@code https://graph.microsoft.com} and the role {@code AuditLogsQuery.Read.All}, unless the tenant withholds it
 * ({@link SimulatedTenant#withholdGraphAuditPermission()}: then no {@code roles} claim at all, as Entra issues a token
 * of an app that was granted no role). The roles are decided at issue time, as Entra's are.
 *
 * <p>Simplifications: no instance or OpenID discovery endpoints, no check of a client certificate's validity dates or
 * of a reused {@code jti}.
 */
final class TokenEndpoint {

    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}");
    /** Scopes MSAL adds to every request; Entra ignores them for client credentials. */
    private static final Set<String> OPENID_SCOPES = Set.of("openid", "profile", "offline_access");

    private final SimulatedTenants tenants;
    private final IssuedTokens tokens;
    private final SimulatorSettings settings;
    private final SimulatorServer server;
    private final ObjectMapper mapper;
    private final SecureRandom secureRandom = new SecureRandom();

    TokenEndpoint(SimulatedTenants tenants, IssuedTokens tokens, SimulatorSettings settings, SimulatorServer server,
                  ObjectMapper mapper) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.settings = settings;
        this.server = server;
        this.mapper = mapper;
    }

    /**
     * A token endpoint request ({@code tenant}: the path's tenant, as sent). Counted in the tenant it names, or in the
     * primary tenant when it names none. Never faulted.
     */
    void token(HttpExchange ex, String tenant, boolean v2, byte[] body) throws IOException {
        SimulatedTenant t = tenants.named(tenant);
        (t != null ? t : tenants.primary()).tokenCalls.incrementAndGet();
        if (!ex.getRequestMethod().equals("POST")) {
            aadError(ex, 400, "invalid_request", 900561,
                    "The endpoint only accepts POST, OPTIONS requests. Received a " + ex.getRequestMethod() + " request.");
            return;
        }
        if (!GUID.matcher(tenant).matches() && !DNS_NAME.matcher(tenant).matches()) {
            aadError(ex, 400, "invalid_request", 900023,
                    "Specified tenant identifier '" + tenant + "' is neither a valid DNS name, nor a valid external domain.");
            return;
        }
        if (t == null) {
            aadError(ex, 400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have "
                    + "the correct tenant ID and are signing into the correct cloud. Check with your subscription "
                    + "administrator, this may happen if there are no active subscriptions for the tenant.");
            return;
        }
        Map<String, String> form = formParameters(new String(body, StandardCharsets.UTF_8));
        String basicId = null;
        String basicSecret = null;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0) {
                    basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                    basicSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                aadError(ex, 401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is "
                        + "required for the 'client_credentials' grant type.");
                return;
            }
        }
        String grant = form.get("grant_type");
        if (isBlank(grant)) {
            missingParameter(ex, "grant_type");
            return;
        }
        if (!grant.equals("client_credentials")) {
            aadError(ex, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'.");
            return;
        }
        String id = !isBlank(form.get("client_id")) ? form.get("client_id") : basicId;
        if (isBlank(id)) {
            missingParameter(ex, "client_id");
            return;
        }
        String audience = settings.cloudResource();
        if (v2) {
            if (form.containsKey("resource")) {
                aadError(ex, 400, "invalid_request", 901002, "The 'resource' request parameter is not supported.");
                return;
            }
            String scope = form.get("scope");
            if (isBlank(scope)) {
                missingParameter(ex, "scope");
                return;
            }
            audience = clientCredentialsResource(scope);
            if (audience == null) {
                aadError(ex, 400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. "
                        + "The provided value for the input parameter 'scope' is not valid. The scope " + scope
                        + " is not valid. Client credential flows must have a scope value with /.default suffixed to "
                        + "the resource identifier (application ID URI).");
                return;
            }
        } else {
            String resource = form.get("resource");
            if (isBlank(resource)) {
                missingParameter(ex, "resource");
                return;
            }
            if (!stripTrailingSlash(resource.trim()).equals(settings.cloudResource())) {
                aadError(ex, 400, "invalid_resource", 500011, "The resource principal named " + resource + " was not "
                        + "found in the tenant named " + t.tenantDomain() + ". This can happen if the application has "
                        + "not been installed by the administrator of the tenant or consented to by any user in the "
                        + "tenant. You might have sent your authentication request to the wrong tenant.");
                return;
            }
        }
        if (!id.equalsIgnoreCase(t.clientId())) {
            aadError(ex, 400, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in "
                    + "the directory '" + t.tenantDomain() + "'. This can happen if the application has not been "
                    + "installed by the administrator of the tenant or consented to by any user in the tenant. You may "
                    + "have sent your authentication request to the wrong tenant.");
            return;
        }
        String secret = form.get("client_secret") != null ? form.get("client_secret") : basicSecret;
        String assertion = form.get("client_assertion");
        String assertionType = form.get("client_assertion_type");
        boolean certificate = assertion != null || assertionType != null;
        if (certificate) {
            if (secret != null) {
                // Entra's answer to two credentials is undocumented; 700025 is its code for a credential that must
                // not be presented (RFC 6749 section 2.3: one authentication method per request)
                aadError(ex, 400, "invalid_request", 700025, "Only one client credential may be presented: the "
                        + "request has both a 'client_secret' and a 'client_assertion'.");
                return;
            }
            if (!verifyAssertion(ex, t, tenant, v2, assertionType, assertion)) {
                return;
            }
        } else {
            if (secret == null) {
                aadError(ex, 401, "invalid_client", 7000218,
                        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
                return;
            }
            if (!secret.equals(t.clientSecret())) {
                aadError(ex, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being "
                        + "sent in the request is the client secret value, not the client secret ID, for a secret added "
                        + "to app '" + t.clientId() + "'.");
                return;
            }
        }
        Instant now = settings.now();
        Duration tokenLifetime = settings.tokenLifetime();
        long lifetimeSeconds = Math.max(0, tokenLifetime.toSeconds());
        List<String> roles = audience.equals(GraphRouter.GRAPH_RESOURCE)
                ? (t.graph.permissionGranted() ? List.of(GraphRouter.AUDIT_ROLE) : List.of())
                : List.of("ActivityFeed.Read", "ActivityFeed.ReadDlp", "ServiceHealth.Read");
        String accessToken = newAccessToken(now, t, certificate, audience, roles);
        tokens.issue(accessToken, new IssuedToken(t.tenantId(), now.plus(tokenLifetime).toEpochMilli(), audience, roles),
                now);
        if (certificate) {
            t.certificateTokens.incrementAndGet();
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("token_type", "Bearer");
        if (v2) {
            out.put("expires_in", lifetimeSeconds);
            out.put("ext_expires_in", lifetimeSeconds);
        } else {
            out.put("expires_in", Long.toString(lifetimeSeconds));
            out.put("ext_expires_in", Long.toString(lifetimeSeconds));
            out.put("expires_on", Long.toString(now.getEpochSecond() + lifetimeSeconds));
            out.put("not_before", Long.toString(now.getEpochSecond()));
            out.put("resource", settings.cloudResource());
        }
        out.put("access_token", accessToken);
        sendToken(ex, 200, mapper.writeValueAsBytes(out));
    }

    /**
     * The resource of a v2 client-credentials scope: {@code <cloudResource>/.default} or
     * {@code https://graph.microsoft.com/.default}, alone or with the OpenID scopes {@code openid}, {@code profile} and
     * {@code offline_access} (MSAL4J adds all three to every request, Entra ignores them for client credentials);
     * null for any other scope, or for two resources at once.
     */
    private String clientCredentialsResource(String scope) {
        String resource = null;
        int resources = 0;
        for (String s : scope.trim().split("\\s+")) {
            if (s.equals(settings.cloudResource() + "/.default")) {
                resource = settings.cloudResource();
                resources++;
            } else if (s.equals(GraphRouter.GRAPH_RESOURCE + "/.default")) {
                resource = GraphRouter.GRAPH_RESOURCE;
                resources++;
            } else if (!OPENID_SCOPES.contains(s)) {
                return null;
            }
        }
        return resources == 1 ? resource : null;
    }

    /**
     * Checks the client assertion of a certificate request against t's certificates (see
     * {@link ClientAssertionVerifier} for the checks and their answers); answers and returns false when refused. A
     * missing {@code client_assertion_type} or {@code client_assertion} gets 400 AADSTS900144 (missing parameter), a
     * type other than {@code urn:ietf:params:oauth:client-assertion-type:jwt-bearer} 400 {@code invalid_request}
     * AADSTS50027 (Entra's code for that is undocumented). The {@code aud} may name the endpoint with the simulator's
     * base URL the request arrived on ({@code https://127.0.0.1:<port>}) or with the request's Host header (e.g.
     * {@code localhost:<port>}), and the tenant as in the path.
     */
    private boolean verifyAssertion(HttpExchange ex, SimulatedTenant t, String pathTenant, boolean v2, String type,
                                    String assertion) throws IOException {
        if (isBlank(type)) {
            missingParameter(ex, "client_assertion_type");
            return false;
        }
        if (!type.trim().equals(ClientAssertionVerifier.JWT_BEARER)) {
            aadError(ex, 400, "invalid_request", 50027, "JWT token is invalid or malformed. (The "
                    + "client_assertion_type '" + type + "' is not supported; use '" + ClientAssertionVerifier.JWT_BEARER
                    + "'.)");
            return false;
        }
        if (isBlank(assertion)) {
            missingParameter(ex, "client_assertion");
            return false;
        }
        String endpoint = "/" + pathTenant + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token");
        Set<String> audiences = new LinkedHashSet<>();
        audiences.add(server.baseUrlOf(ex) + endpoint);
        String host = ex.getRequestHeaders().getFirst("Host");
        if (!isBlank(host)) {
            audiences.add((ex instanceof HttpsExchange ? "https://" : "http://") + host.trim() + endpoint);
        }
        ClientAssertionVerifier.Rejection refused =
                t.assertionVerifier.verify(assertion, t.clientId(), audiences, settings.now());
        if (refused != null) {
            aadError(ex, refused.status(), refused.error(), refused.code(), refused.message());
            return false;
        }
        return true;
    }

    private void missingParameter(HttpExchange ex, String name) throws IOException {
        aadError(ex, 400, "invalid_request", 900144, "The request body must contain the following parameter: '" + name + "'.");
    }

    private void aadError(HttpExchange ex, int status, String error, int code, String message) throws IOException {
        String trace = UUID.randomUUID().toString();
        String clientRequestId = ex.getRequestHeaders().getFirst("client-request-id");
        String correlation = clientRequestId != null && GUID.matcher(clientRequestId).matches()
                ? clientRequestId : UUID.randomUUID().toString();
        String timestamp = ApiTime.AAD_TIMESTAMP.format(settings.now());
        ObjectNode out = mapper.createObjectNode();
        out.put("error", error);
        out.put("error_description", "AADSTS" + code + ": " + message + "\r\nTrace ID: " + trace
                + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + timestamp);
        out.putArray("error_codes").add(code);
        out.put("timestamp", timestamp);
        out.put("trace_id", trace);
        out.put("correlation_id", correlation);
        out.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        sendToken(ex, status, mapper.writeValueAsBytes(out));
    }

    private void sendToken(HttpExchange ex, int status, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", ApiResponses.JSON_UTF8);
        h.set("Cache-Control", "no-store, no-cache");
        h.set("Pragma", "no-cache");
        h.set("x-ms-request-id", UUID.randomUUID().toString());
        h.set("x-ms-ests-server", "2.1.19999.9 - SIM ProdSlices");
        ApiResponses.send(ex, status, body);
    }

    /**
     * An unsigned-looking JWT with the claims of an app-only token for t's app, for that audience and with those roles
     * (no {@code roles} claim when none); validated by lookup only. {@code appidacr} tells how the app authenticated:
     * "1" with a secret, "2" with a certificate.
     */
    private String newAccessToken(Instant now, SimulatedTenant t, boolean certificate, String audience,
                                  List<String> roles) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode header = mapper.createObjectNode();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5t", "c2ltdWxhdG9yLWtleQ");
        header.put("kid", "c2ltdWxhdG9yLWtleQ");
        ObjectNode claims = mapper.createObjectNode();
        long iat = now.getEpochSecond();
        claims.put("aud", audience);
        claims.put("iss", "https://sts.windows.net/" + t.tenantId() + "/");
        claims.put("iat", iat);
        claims.put("nbf", iat);
        claims.put("exp", iat + Math.max(0, settings.tokenLifetime().toSeconds()));
        claims.put("appid", t.clientId());
        claims.put("appidacr", certificate ? "2" : "1");
        claims.put("idp", "https://sts.windows.net/" + t.tenantId() + "/");
        // the app's service principal: one object per tenant
        String servicePrincipal = t == tenants.primary() ? "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
                : UUID.nameUUIDFromBytes(RecordFactory.utf8("service-principal:" + t.tenantId())).toString();
        claims.put("oid", servicePrincipal);
        if (!roles.isEmpty()) {
            ArrayNode roleClaim = claims.putArray("roles");
            roles.forEach(roleClaim::add);
        }
        claims.put("sub", servicePrincipal);
        claims.put("tid", t.tenantId());
        byte[] uti = new byte[16];
        byte[] signature = new byte[256];
        secureRandom.nextBytes(uti);
        secureRandom.nextBytes(signature);
        claims.put("uti", b64.encodeToString(uti));
        claims.put("ver", "1.0");
        try {
            return b64.encodeToString(mapper.writeValueAsBytes(header)) + "."
                    + b64.encodeToString(mapper.writeValueAsBytes(claims)) + "." + b64.encodeToString(signature);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
