package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Microsoft Graph tokens: the v2 endpoint's Graph scope, the token's audience and role, each API refusing the other's
 * token, expiry, and the withheld {@code AuditLogsQuery.Read.All} permission.
 */
class SimulatorGraphAuthenticationTest extends SimulatorGraphTestSupport {

    @Test
    void graphScopeGivesAGraphTokenWithTheAuditRole() throws Exception {
        String graphToken = graphToken(sim);
        JsonNode claims = accessTokenClaims(graphToken);
        assertEquals("https://graph.microsoft.com", claims.get("aud").asText());
        assertEquals(List.of("AuditLogsQuery.Read.All"), List.of(JSON.treeToValue(claims.get("roles"), String[].class)));
        assertEquals(sim.tenantId(), claims.get("tid").asText());
        // MSAL's OpenID scopes may come along, as with the Management API's scope
        assertEquals(200, tokenResponse(sim, "openid " + GRAPH_SCOPE + " profile offline_access").statusCode());
        // one resource a token: both at once is refused
        assertAad(tokenResponse(sim, GRAPH_SCOPE + " https://manage.office.com/.default"), 400, "invalid_scope", 70011);
        assertAad(tokenResponse(sim, "https://graph.microsoft.com/AuditLogsQuery.Read.All"), 400, "invalid_scope", 70011);
        // the Management API's token keeps its audience and roles
        JsonNode management = accessTokenClaims(token);
        assertEquals("https://manage.office.com", management.get("aud").asText());
        assertTrue(management.get("roles").toString().contains("ActivityFeed.Read"));
    }

    @Test
    void graphScopeIsAcceptedWhateverTheCloudResource() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().cloudResource("https://manage.office365.us").build()) {
            s.start();
            assertEquals("https://graph.microsoft.com", accessTokenClaims(graphToken(s)).get("aud").asText());
        }
    }

    @Test
    void eachApiRefusesTheOtherApisToken() throws Exception {
        // a Management API token on Graph: 401 InvalidAuthenticationToken, as Graph refuses another audience
        HttpResponse<String> onGraph = graph(sim, "GET", QUERIES, token, null);
        assertErrorCode(onGraph, 401, "InvalidAuthenticationToken");
        assertTrue(onGraph.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertTrue(JSON.readTree(onGraph.body()).at("/error/innerError/request-id").isTextual(), onGraph.body());
        // a Graph token on the Management API: refused exactly as a token it never issued
        HttpResponse<String> bad = api("GET", "subscriptions/list", "not-a-token", null);
        HttpResponse<String> onManagement = api("GET", "subscriptions/list", graphToken(sim), null);
        assertErrorCode(onManagement, 401, "InvalidAuthenticationToken");
        assertEquals(JSON.readTree(bad.body()), JSON.readTree(onManagement.body()));
        assertEquals(bad.headers().firstValue("WWW-Authenticate"), onManagement.headers().firstValue("WWW-Authenticate"));
        // no token, or one never issued
        assertErrorCode(graph(sim, "GET", QUERIES, null, null), 401, "InvalidAuthenticationToken");
        assertErrorCode(graph(sim, "GET", QUERIES, "not-a-token", null), 401, "InvalidAuthenticationToken");
        assertEquals(200, graph(sim, "GET", QUERIES, graphToken(sim), null).statusCode());
    }

    @Test
    void anExpiredGraphTokenIsRefused() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        try (ManagementApiSimulator s = graphSimulator().clock(clock(now)).tokenLifetime(Duration.ofMinutes(10))
                .build()) {
            s.start();
            String bearer = graphToken(s);
            assertEquals(200, graph(s, "GET", QUERIES, bearer, null).statusCode());
            now.set(NOW.plus(Duration.ofMinutes(10)));
            assertErrorCode(graph(s, "GET", QUERIES, bearer, null), 401, "InvalidAuthenticationToken");
        }
    }

    @Test
    void withoutTheAuditPermissionEveryRequestIsForbidden() throws Exception {
        try (ManagementApiSimulator s = graphSimulator().build()) {
            s.start();
            SimulatedTenant tenant = s.tenant(s.tenantId());
            String granted = graphToken(s);
            tenant.withholdGraphAuditPermission();
            String withheld = graphToken(s);
            assertFalse(accessTokenClaims(withheld).has("roles"));
            String body = queryBody(NOW.minus(DAY), NOW);
            HttpResponse<String> refused = graph(s, "POST", QUERIES, withheld, body);
            assertErrorCode(refused, 403, "Forbidden");
            assertTrue(JSON.readTree(refused.body()).at("/error/message").asText().contains("AuditLogsQuery.Read.All"));
            assertErrorCode(graph(s, "GET", QUERIES, withheld, null), 403, "Forbidden");
            assertEquals(0, tenant.graphQueryCount());
            // roles are decided when a token is issued, as Entra's are
            assertEquals(201, graph(s, "POST", QUERIES, granted, body).statusCode());
            tenant.grantGraphAuditPermission();
            assertErrorCode(graph(s, "POST", QUERIES, withheld, body), 403, "Forbidden");
            assertEquals(201, graph(s, "POST", QUERIES, graphToken(s), body).statusCode());
            assertEquals(2, tenant.graphQueryCount());
            assertEquals(5, tenant.graphRequestCount());
            // the Management API's permissions are another matter
            assertEquals(200, call(s, "GET", "subscriptions/list", tokenFor(s)).statusCode());
        }
    }
}
