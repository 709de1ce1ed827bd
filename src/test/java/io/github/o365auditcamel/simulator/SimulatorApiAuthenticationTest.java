package io.github.o365auditcamel.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** API authentication: bearer and tenant checks and expired tokens. */
class SimulatorApiAuthenticationTest extends SimulatorTestSupport {

    @Test
    void authenticationAndTenantChecks() throws Exception {
        assertEquals(401, api("GET", "subscriptions/list", null, null).statusCode());
        assertEquals(401, api("GET", "subscriptions/list", "not-a-token", null).statusCode());
        HttpResponse<String> domain = get(sim.baseUrl() + "/api/v1.0/fabrikam-sim.onmicrosoft.com/activity/feed/subscriptions/list", token, null);
        assertErrorCode(domain, 400, "AF20013");
        HttpResponse<String> other = get(sim.baseUrl() + "/api/v1.0/11111111-2222-4333-8444-555555555555/activity/feed/subscriptions/list", token, null);
        assertErrorCode(other, 400, "AF20010");
        assertEquals(404, get(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/nothing/here", token, null).statusCode());
        assertEquals(404, get(sim.baseUrl() + "/nothing", null, null).statusCode());
    }

    @Test
    void expiredTokenIsRejected() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        Clock clock = SimulatorGraphTestSupport.clock(now);
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().clock(clock).blobsPerContentType(1).recordsPerBlob(1)
                .subscriptionsInitiallyEnabled(true).tokenLifetime(Duration.ofMinutes(10)).build()) {
            s.start();
            HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials", "client_id", s.clientId(),
                            "client_secret", s.clientSecret(), "scope", "https://manage.office.com/.default"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(600, JSON.readTree(t.body()).get("expires_in").asInt());
            String access = JSON.readTree(t.body()).get("access_token").asText();
            String list = s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/list";
            assertEquals(200, get(list, access, null).statusCode());
            assertEquals(5, JSON.readTree(get(list, access, null).body()).size());
            now.set(now.get().plus(Duration.ofMinutes(10)).plusMillis(1));
            HttpResponse<String> expired = get(list, access, null);
            assertEquals(401, expired.statusCode());
            assertNotNull(JSON.readTree(expired.body()).get("error"));
            assertEquals(1, s.tokenCallCount());
            assertEquals(3, s.totalApiCalls());
        }
    }
}
