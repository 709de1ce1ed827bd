package io.github.o365auditcamel.simulator;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.github.o365auditcamel.simulator.GraphResponses.graphError;

/**
 * Microsoft Graph's audit log query API (v1.0), on the simulator's listeners:
 * {@code POST /v1.0/security/auditLog/queries} creates a query and {@code GET} lists them,
 * {@code GET .../queries/{id}} polls one, {@code GET .../queries/{id}/records} pages through its records (see
 * {@link GraphAuditQueryEndpoint} and {@link GraphAuditRecordsEndpoint}). Graph URLs name no tenant: the bearer token's
 * tenant is the tenant, and the request counts in it ({@link SimulatedTenant#graphRequestCount()}).
 *
 * <p>Each request is checked in this order: a bearer token issued here for Graph's audience
 * ({@value #GRAPH_RESOURCE}), unexpired (else 401 InvalidAuthenticationToken: a Management API token is refused, as
 * Graph refuses a token for another audience); the tenant's pending {@link SimulatedTenant#throttleNextGraphRequests
 * throttles} (429 TooManyRequests, {@code Retry-After: 1}); the token's role {@value #AUDIT_ROLE} (else 403
 * Forbidden); the path (a segment Graph does not have: 400 BadRequest, as Graph answers) and the method (405). Path
 * segments are matched case-insensitively, as Graph does. An unexpected error is 500 InternalServerError.
 */
final class GraphRouter {

    /** Graph's resource: the audience of its tokens, {@code <resource>/.default} the scope that asks for one. */
    static final String GRAPH_RESOURCE = "https://graph.microsoft.com";
    /** The application role that reads the whole unified audit log through audit log queries. */
    static final String AUDIT_ROLE = "AuditLogsQuery.Read.All";
    /** The API version served: the first path segment. */
    static final String VERSION = "v1.0";

    private final SimulatedTenants tenants;
    private final IssuedTokens tokens;
    private final SimulatorSettings settings;
    private final GraphAuditQueryEndpoint queries;
    private final GraphAuditRecordsEndpoint records;

    GraphRouter(SimulatedTenants tenants, IssuedTokens tokens, SimulatorSettings settings,
                GraphAuditQueryEndpoint queries, GraphAuditRecordsEndpoint records) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.settings = settings;
        this.queries = queries;
        this.records = records;
    }

    /** A request under {@code /v1.0/}: {@code path} its percent-decoded segments after {@code v1.0}. */
    void handle(HttpExchange ex, List<String> path, Map<String, String> query, byte[] body) throws IOException {
        try {
            route(ex, path, query, body);
        } catch (RuntimeException e) {
            if (ex.getResponseCode() < 0) {
                graphError(ex, 500, "InternalServerError", "An internal server error occurred: " + e, settings.now());
            }
        }
    }

    private void route(HttpExchange ex, List<String> path, Map<String, String> query, byte[] body) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
        IssuedToken token = bearer.isEmpty() ? null : tokens.get(bearer);
        SimulatedTenant t = token == null ? null : tenants.named(token.tenant());
        (t != null ? t : tenants.primary()).graph.requests.incrementAndGet();
        if (bearer.isEmpty()) {
            unauthorized(ex, "Access token is empty.");
            return;
        }
        if (token == null || t == null || !token.audience().equals(GRAPH_RESOURCE)) {
            unauthorized(ex, "Access token validation failure. Invalid audience.");
            return;
        }
        if (settings.now().toEpochMilli() >= token.expiresAtMillis()) {
            unauthorized(ex, "Lifetime validation failed, the token is expired.");
            return;
        }
        if (t.graph.takeThrottle()) {
            ex.getResponseHeaders().set("Retry-After", "1");
            graphError(ex, 429, "TooManyRequests", "Too many requests are being made to the audit log query service "
                    + "for this tenant. Retry after 1 second.", settings.now());
            return;
        }
        if (!token.roles().contains(AUDIT_ROLE)) {
            graphError(ex, 403, "Forbidden", "Missing role permissions on the request. API requires one of '"
                    + AUDIT_ROLE + "'. Roles on the request '" + String.join(",", token.roles()) + "'.",
                    settings.now());
            return;
        }
        String unknown = unknownSegment(path);
        if (unknown != null) {
            graphError(ex, 400, "BadRequest", "Resource not found for the segment '" + unknown + "'.", settings.now());
            return;
        }
        String method = ex.getRequestMethod();
        List<String> allowed = path.size() == 3 ? List.of("GET", "POST") : List.of("GET");
        if (!allowed.contains(method)) {
            ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
            graphError(ex, 405, "MethodNotAllowed", "The HTTP method '" + method + "' is not allowed for this "
                    + "resource.", settings.now());
            return;
        }
        switch (path.size()) {
            case 3 -> {
                if (method.equals("POST")) {
                    queries.create(ex, t, body);
                } else {
                    queries.list(ex, t);
                }
            }
            case 4 -> queries.get(ex, t, path.get(3));
            default -> records.page(ex, t, path.get(3), query);
        }
    }

    /**
     * The first segment of {@code security/auditLog/queries[/{id}[/records]]} the path does not match, or null when
     * it matches.
     */
    private static String unknownSegment(List<String> path) {
        List<String> fixed = List.of("security", "auditlog", "queries");
        for (int i = 0; i < path.size(); i++) {
            String segment = path.get(i);
            boolean ok = i < 3 ? segment.toLowerCase(Locale.ROOT).equals(fixed.get(i))
                    : i == 3 ? !segment.isEmpty()
                    : i == 4 && segment.equalsIgnoreCase("records");
            if (!ok) {
                return segment;
            }
        }
        return path.size() < 3 ? path.get(path.size() - 1) : null;
    }

    private void unauthorized(HttpExchange ex, String message) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"\", authorization_uri="
                + "\"https://login.microsoftonline.com/common/oauth2/authorize\", "
                + "client_id=\"00000003-0000-0000-c000-000000000000\"");
        graphError(ex, 401, "InvalidAuthenticationToken", message, settings.now());
    }
}
