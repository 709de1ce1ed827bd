package io.github.o365auditcamel.simulator;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.github.o365auditcamel.simulator.ApiResponses.apiError;
import static io.github.o365auditcamel.simulator.ApiResponses.notFound;
import static io.github.o365auditcamel.simulator.ApiResponses.sendApi;
import static io.github.o365auditcamel.simulator.RequestSyntax.GUID;
import static io.github.o365auditcamel.simulator.RequestSyntax.isBlank;
import static io.github.o365auditcamel.simulator.RequestSyntax.pathSegments;
import static io.github.o365auditcamel.simulator.RequestSyntax.queryParameters;

/**
 * The handler of both listeners: sends a token request to the {@link TokenEndpoint}; counts an API request
 * ({@code /api/v1.0/{tenant}/activity/feed/...}) in the tenant its path names, lets {@link FaultInjection} fault it,
 * checks its method, bearer token (issued here for the Management API's audience, unexpired), tenant and
 * PublisherIdentifier, and sends it to the endpoint of its operation (subscriptions, listings, blobs;
 * {@code resources/dlpSensitiveTypes} is answered here). Sends a Microsoft Graph request ({@code /v1.0/...}) to the
 * {@link GraphRouter}. Anything else is 404, and an unexpected error 500 AF50000.
 */
final class ApiRouter {

    private final SimulatedTenants tenants;
    private final IssuedTokens tokens;
    private final SimulatorSettings settings;
    private final FaultInjection faults;
    private final TokenEndpoint tokenEndpoint;
    private final SubscriptionsEndpoint subscriptions;
    private final ContentListingEndpoint listing;
    private final BlobEndpoint blobs;
    private final GraphRouter graph;

    ApiRouter(SimulatedTenants tenants, IssuedTokens tokens, SimulatorSettings settings, FaultInjection faults,
              TokenEndpoint tokenEndpoint, SubscriptionsEndpoint subscriptions, ContentListingEndpoint listing,
              BlobEndpoint blobs, GraphRouter graph) {
        this.tenants = tenants;
        this.tokens = tokens;
        this.settings = settings;
        this.faults = faults;
        this.tokenEndpoint = tokenEndpoint;
        this.subscriptions = subscriptions;
        this.listing = listing;
        this.blobs = blobs;
        this.graph = graph;
    }

    /** Both listeners' handler. */
    void handle(HttpExchange ex) {
        SimulatedTenant counted = null; // the tenant an API request counts in
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String rawPath = ex.getRequestURI().getRawPath();
            List<String> segs = pathSegments(rawPath);
            Map<String, String> query = queryParameters(ex.getRequestURI().getRawQuery());
            if (segs == null) {
                notFound(ex);
            } else if (segs.size() == 3 && segs.get(1).equals("oauth2") && segs.get(2).equals("token")) {
                tokenEndpoint.token(ex, segs.get(0), false, body);
            } else if (segs.size() == 4 && segs.get(1).equals("oauth2") && segs.get(2).equals("v2.0")
                    && segs.get(3).equals("token")) {
                tokenEndpoint.token(ex, segs.get(0), true, body);
            } else if (segs.size() >= 5 && segs.get(0).equals("api")
                    && (segs.get(1).equals("v1.0") || segs.get(1).equals("v1"))
                    && segs.get(3).equals("activity") && segs.get(4).equals("feed")) {
                counted = tenants.apiTenant(segs.get(2));
                counted.countApiCall(settings.now());
                List<String> op = segs.subList(5, segs.size());
                if (!faults.inject(ex, counted, op, query)) {
                    api(ex, segs.get(2), op, query, body);
                }
            } else if (segs.size() >= 2 && segs.get(0).equals(GraphRouter.VERSION)) {
                graph.handle(ex, segs.subList(1, segs.size()), query, body);
            } else {
                notFound(ex);
            }
        } catch (Throwable t) {
            try {
                if (ex.getResponseCode() < 0) {
                    apiError(ex, 500, "AF50000", "An internal error occurred. Retry the request.");
                    if (counted != null) {
                        counted.serverErrorCalls.incrementAndGet();
                    }
                }
            } catch (Throwable ignored) {
                // nothing more to do
            }
        } finally {
            ex.close();
        }
    }

    private void api(HttpExchange ex, String tenant, List<String> op, Map<String, String> q, byte[] body)
            throws IOException {
        String method = ex.getRequestMethod();
        String expected;
        String route;
        if (op.size() == 2 && op.get(0).equalsIgnoreCase("subscriptions")) {
            route = op.get(1).toLowerCase(Locale.ROOT);
            switch (route) {
                case "start", "stop" -> expected = "POST";
                case "list", "content", "notifications" -> expected = "GET";
                default -> {
                    notFound(ex);
                    return;
                }
            }
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("audit") && !op.get(1).isEmpty()) {
            route = "audit";
            expected = "GET";
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("resources")
                && op.get(1).equalsIgnoreCase("dlpSensitiveTypes")) {
            route = "dlpSensitiveTypes";
            expected = "GET";
        } else {
            notFound(ex);
            return;
        }
        if (!method.equals(expected)) {
            ex.getResponseHeaders().set("Allow", expected);
            apiError(ex, 405, "MethodNotAllowed", "The requested resource does not support http method '" + method + "'.");
            return;
        }

        // authentication: a bearer token issued here for this API (not for Microsoft Graph), unexpired
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            apiError(ex, 401, "AF10001",
                    "The permission set () sent in the request does not include the expected permission.");
            return;
        }
        IssuedToken token = tokens.get(auth.substring(7).trim());
        if (token == null || !token.audience().equals(settings.cloudResource())) {
            unauthorized(ex, "Access token validation failure. Invalid audience or signature.");
            return;
        }
        if (settings.now().toEpochMilli() >= token.expiresAtMillis()) {
            unauthorized(ex, "Access token has expired or is not yet valid.");
            return;
        }
        if (!GUID.matcher(tenant).matches()) {
            apiError(ex, 400, "AF20013", "The tenant ID passed in the URL (" + tenant + ") is not a valid GUID.");
            return;
        }
        if (!tenant.equalsIgnoreCase(token.tenant())) {
            // also a token of another tenant of this simulator: the path must name the token's own tenant
            apiError(ex, 400, "AF20010", "The tenant ID passed in the URL (" + tenant
                    + ") does not match the tenant ID passed in the access token (" + token.tenant() + ").");
            return;
        }
        SimulatedTenant t = tenants.named(token.tenant()); // the path's tenant too
        String publisher = q.get("publisheridentifier");
        if (!isBlank(publisher) && !GUID.matcher(publisher.trim()).matches()) {
            apiError(ex, 400, "AF20002", "Invalid parameter type: PublisherIdentifier. Expected type: guid.");
            return;
        }
        switch (route) {
            case "start" -> subscriptions.startSubscription(ex, t, q, body);
            case "stop" -> subscriptions.stopSubscription(ex, t, q);
            case "list" -> subscriptions.listSubscriptions(ex, t);
            case "content" -> listing.listContent(ex, t, tenant, q);
            case "notifications" -> listing.listNotifications(ex, t, q);
            case "audit" -> blobs.getBlob(ex, t, op.get(1));
            default -> sendApi(ex, 200, RecordFactory.utf8(DlpRecords.sensitiveTypesJson()), false);
        }
    }

    private void unauthorized(HttpExchange ex, String message) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate",
                "Bearer realm=\"\", error=\"invalid_token\", error_description=\"" + message + "\"");
        apiError(ex, 401, "InvalidAuthenticationToken", message);
    }
}
