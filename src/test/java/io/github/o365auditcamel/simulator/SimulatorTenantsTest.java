package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several tenants: own credentials, content, tokens, certificates and independent throttling. */
class SimulatorTenantsTest extends SimulatorTestSupport {

    @Test
    void twoTenantsHaveTheirOwnCredentialsContentAndTokens() throws Exception {
        try (ManagementApiSimulator s = twoTenantSimulator()) {
            s.start();
            SimulatedTenant a = s.tenant(s.tenantId());
            SimulatedTenant b = s.tenant(SECOND_TENANT.toUpperCase(Locale.ROOT));
            assertEquals(List.of(s.tenantId(), SECOND_TENANT), s.tenantIds());
            assertEquals("contoso-sim.onmicrosoft.com", b.tenantDomain());
            assertThrows(IllegalArgumentException.class, () -> s.tenant("11111111-2222-4333-8444-555555555555"));

            // each app registration is checked in its own tenant
            String tokenA = tokenFor(s);
            String tokenB = secretToken(s, b.tenantDomain(), b.clientId(), b.clientSecret());
            assertAad(secretTokenResponse(s, SECOND_TENANT, b.clientId(), s.clientSecret()), 401, "invalid_client", 7000215);
            assertAad(secretTokenResponse(s, SECOND_TENANT, s.clientId(), b.clientSecret()), 400, "unauthorized_client", 700016);
            assertEquals(SECOND_TENANT, accessTokenClaims(tokenB).get("tid").asText());
            assertEquals(b.clientId(), accessTokenClaims(tokenB).get("appid").asText());
            assertEquals(3, b.tokenCallCount());
            assertEquals(1, a.tokenCallCount());
            assertEquals(1, s.tokenCallCount());

            // a token works only on its own tenant's API
            assertEquals(200, tenantCall(s, s.tenantId(), "subscriptions/list", tokenA).statusCode());
            assertEquals(200, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());
            assertErrorCode(tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenA), 400, "AF20010");
            assertErrorCode(tenantCall(s, s.tenantId(), "subscriptions/list", tokenB), 400, "AF20010");

            // each listing shows its own blobs only, with the tenant's own contentUris and records
            Map<String, String> listedA = listedUris(s, s.tenantId(), tokenA);
            Map<String, String> listedB = listedUris(s, SECOND_TENANT, tokenB);
            assertEquals(ids(a.blobs()), listedA.keySet());
            assertEquals(ids(b.blobs()), listedB.keySet());
            assertEquals(2, listedA.size());
            assertEquals(3, listedB.size());
            assertTrue(listedB.values().stream().allMatch(u -> u.contains("/api/v1.0/" + SECOND_TENANT + "/")), listedB.toString());
            String blobOfB = listedB.keySet().iterator().next();
            HttpResponse<String> records = get(listedB.get(blobOfB), tokenB, null);
            assertEquals(200, records.statusCode(), records.body());
            for (JsonNode record : JSON.readTree(records.body())) {
                assertEquals(SECOND_TENANT, record.get("OrganizationId").asText());
            }
            assertEquals(b.records(blobOfB).size(), JSON.readTree(records.body()).size());
            assertEquals(1, b.blobGetCount(blobOfB));
            assertErrorCode(tenantCall(s, s.tenantId(), "audit/" + blobOfB, tokenA), 404, "AF20050");
            assertThrows(IllegalArgumentException.class, () -> s.records(blobOfB), "not the primary tenant's blob");

            // counters per tenant; the top-level ones are the primary tenant's
            assertEquals(1, a.listCallCount());
            assertEquals(1, b.listCallCount("Audit.Exchange"));
            assertEquals(a.totalApiCalls(), s.totalApiCalls());
            assertEquals(a.recordCount(), s.recordCount());
            assertEquals(4, a.totalApiCalls()); // list, AF20010 with B's token, listing, blob of B on A's path
            assertEquals(4, b.totalApiCalls()); // list, AF20010 with A's token, listing, blob
            assertEquals(3 * 4, b.recordCount());
            assertEquals(Set.of("Audit.Exchange"), b.enabledSubscriptions());
        }
    }

    @Test
    void throttlingOneTenantLeavesTheOtherAnswering() throws Exception {
        try (ManagementApiSimulator s = twoTenantSimulator()) {
            s.start();
            String tokenA = tokenFor(s);
            SimulatedTenant b = s.tenant(SECOND_TENANT);
            String tokenB = secretToken(s, SECOND_TENANT, b.clientId(), b.clientSecret());
            b.faults(new Faults(1.0, 429, 2, 0, 0));
            for (int i = 0; i < 5; i++) {
                assertEquals(200, tenantCall(s, s.tenantId(), "subscriptions/list", tokenA).statusCode());
                HttpResponse<String> throttled = tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB);
                assertErrorCode(throttled, 429, "AF429");
                assertEquals("2", throttled.headers().firstValue("Retry-After").orElse(null));
            }
            assertEquals(5, b.throttledCount());
            assertEquals(0, s.throttledCount());
            assertEquals(5, s.apiRequestTimes().size());
            assertEquals(5, b.apiRequestTimes().size());
            // the token endpoint is not faulted
            secretToken(s, SECOND_TENANT, b.clientId(), b.clientSecret());
            b.faults(Faults.none());
            assertEquals(200, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());

            // and the other way round: the top-level faults are the primary tenant's
            s.faults(new Faults(1.0, 403, null, 0, 0));
            assertErrorCode(tenantCall(s, s.tenantId(), "subscriptions/list", tokenA), 403, "AF429");
            assertEquals(200, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());
            b.revokeTokens();
            assertEquals(401, tenantCall(s, SECOND_TENANT, "subscriptions/list", tokenB).statusCode());
        }
    }

    @Test
    void tenantsNeedDistinctIdsAndDomainsAndEachHasItsOwnCertificates() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ManagementApiSimulator.builder()
                .tenant(TenantSpec.of(ManagementApiSimulator.builder().build().tenantId())).build());
        assertThrows(IllegalArgumentException.class, () -> ManagementApiSimulator.builder()
                .tenant(TenantSpec.of(SECOND_TENANT).tenantDomain("FABRIKAM-sim.onmicrosoft.com")).build());
        assertThrows(IllegalArgumentException.class, () -> TenantSpec.of("not-a-guid"));

        try (ManagementApiSimulator s = ManagementApiSimulator.builder().https(true).blobsPerContentType(0)
                .clientCertificate(APP_CERTIFICATE.certificate())
                .tenant(TenantSpec.of(SECOND_TENANT).clientCertificate(ROTATED_CERTIFICATE.certificate()))
                .tenant(TenantSpec.of("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")).build()) {
            s.start();
            HttpClient tls = trusting(s.serverCertificate());
            SimulatedTenant b = s.tenant(SECOND_TENANT);
            SimulatedTenant c = s.tenant("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
            assertEquals("tenant3-sim.onmicrosoft.com", c.tenantDomain());
            assertEquals(s.clientId(), c.clientId(), "the same multi-tenant app by default");
            String endpointB = s.httpsBaseUrl() + "/" + SECOND_TENANT + "/oauth2/v2.0/token";
            // the primary's certificate is not registered in tenant B, B's is
            assertAad(postForm(tls, endpointB, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), assertionClaims(endpointB, s.clientId(), Instant.now())))), 401, "invalid_client", 700027);
            assertEquals(200, postForm(tls, endpointB, certificateForm(s, signedAssertion(ROTATED_CERTIFICATE, "RS256", "x5t",
                    ROTATED_CERTIFICATE.x5t(), assertionClaims(endpointB, s.clientId(), Instant.now())))).statusCode());
            // tenant C inherited the primary's
            String endpointC = s.httpsBaseUrl() + "/" + c.tenantDomain() + "/oauth2/v2.0/token";
            assertEquals(200, postForm(tls, endpointC, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), assertionClaims(endpointC, s.clientId(), Instant.now())))).statusCode());
            assertEquals(List.of(1, 1, 0), List.of(b.certificateTokenCount(), c.certificateTokenCount(), s.certificateTokenCount()));
        }
    }
}
