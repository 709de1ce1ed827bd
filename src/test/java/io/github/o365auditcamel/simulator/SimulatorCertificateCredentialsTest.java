package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Certificate credentials: RS256 client assertions (x5t, x5t#S256) and refused assertions. */
class SimulatorCertificateCredentialsTest extends SimulatorTestSupport {

    @Test
    void rs256AssertionWithX5tGetsACertificateToken() throws Exception {
        try (ManagementApiSimulator s = certificateSimulator()) {
            String endpoint = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            String assertion = signedAssertion(APP_CERTIFICATE, "RS256", "x5t", APP_CERTIFICATE.x5t(),
                    assertionClaims(endpoint, s.clientId(), Instant.now()));
            HttpResponse<String> r = postForm(trusting(s.serverCertificate()), endpoint, certificateForm(s, assertion));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode json = JSON.readTree(r.body());
            assertEquals(3600, json.get("expires_in").asInt());
            String bearer = json.get("access_token").asText();
            assertEquals("2", accessTokenClaims(bearer).get("appidacr").asText());
            assertEquals(s.clientId(), accessTokenClaims(bearer).get("appid").asText());
            assertEquals(1, s.certificateTokenCount());
            assertEquals(1, s.tokenCallCount());
            assertEquals(200, call(s, "GET", "subscriptions/list", bearer).statusCode());

            // a secret token of the same app says "1"
            assertEquals("1", accessTokenClaims(tokenFor(s)).get("appidacr").asText());
            assertEquals(1, s.certificateTokenCount());
        }
    }

    @Test
    void rs256AssertionWithX5tS256GetsACertificateTokenOnV2AndV1() throws Exception {
        try (ManagementApiSimulator s = certificateSimulator()) {
            HttpClient tls = trusting(s.serverCertificate());
            // the second registered certificate, as after a rotation
            String v2 = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            HttpResponse<String> r = postForm(tls, v2, certificateForm(s, signedAssertion(ROTATED_CERTIFICATE, "RS256",
                    "x5t#S256", ROTATED_CERTIFICATE.x5tS256(), assertionClaims(v2, s.clientId(), Instant.now()))));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("2", accessTokenClaims(JSON.readTree(r.body()).get("access_token").asText()).get("appidacr").asText());

            // v1, with the tenant's domain in the path and so in aud
            String v1 = s.httpsBaseUrl() + "/" + s.tenantDomain() + "/oauth2/token";
            HttpResponse<String> r1 = postForm(tls, v1, form("grant_type", "client_credentials", "client_id", s.clientId(),
                    "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion", signedAssertion(APP_CERTIFICATE, "RS256", "x5t#S256", APP_CERTIFICATE.x5tS256(),
                            assertionClaims(v1, s.clientId(), Instant.now())),
                    "resource", "https://manage.office.com"));
            assertEquals(200, r1.statusCode(), r1.body());
            assertEquals("2", accessTokenClaims(JSON.readTree(r1.body()).get("access_token").asText()).get("appidacr").asText());

            // PS256 (the current Entra documentation's form) with x5t#S256
            HttpResponse<String> ps = postForm(tls, v2, certificateForm(s, signedAssertion(APP_CERTIFICATE, "PS256",
                    "x5t#S256", APP_CERTIFICATE.x5tS256(), assertionClaims(v2, s.clientId(), Instant.now()))));
            assertEquals(200, ps.statusCode(), ps.body());
            assertEquals(3, s.certificateTokenCount());
        }
    }

    @Test
    void thumbprintsInStandardBase64AsMsal4jSendsThemAreAccepted() throws Exception {
        TestCertificate msalStyle = certificateWithNonUrlSafeThumbprints();
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().https(true).blobsPerContentType(0)
                .clientCertificate(msalStyle.certificate()).build()) {
            s.start();
            HttpClient tls = trusting(s.serverCertificate());
            String endpoint = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            for (String[] header : List.of(new String[] {"x5t#S256", standardBase64(msalStyle.x5tS256())},
                    new String[] {"x5t", standardBase64(msalStyle.x5t())})) {
                HttpResponse<String> r = postForm(tls, endpoint, certificateForm(s, signedAssertion(msalStyle, "RS256",
                        header[0], header[1], assertionClaims(endpoint, s.clientId(), Instant.now()))));
                assertEquals(200, r.statusCode(), header[0] + " " + header[1] + ": " + r.body());
            }
            assertEquals(2, s.certificateTokenCount());
        }
    }

    @Test
    void refusedAssertionsGetEntraErrorCodes() throws Exception {
        try (ManagementApiSimulator s = certificateSimulator()) {
            HttpClient tls = trusting(s.serverCertificate());
            String endpoint = s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token";
            Instant now = Instant.now();

            // a certificate the app does not have
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(UNREGISTERED_CERTIFICATE, "RS256",
                    "x5t", UNREGISTERED_CERTIFICATE.x5t(), assertionClaims(endpoint, s.clientId(), now)))),
                    401, "invalid_client", 700027);
            // a registered certificate's thumbprint, but signed with another key
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(UNREGISTERED_CERTIFICATE, "RS256",
                    "x5t", APP_CERTIFICATE.x5t(), assertionClaims(endpoint, s.clientId(), now)))),
                    401, "invalid_client", 700027);
            // expired a minute ago
            ObjectNode expired = assertionClaims(endpoint, s.clientId(), now.minus(Duration.ofMinutes(11)));
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), expired))), 401, "invalid_client", 700024);
            // not valid before 10 minutes from now (more than the 5 minutes of skew allowed)
            ObjectNode early = assertionClaims(endpoint, s.clientId(), now.plus(Duration.ofMinutes(10)));
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), early))), 401, "invalid_client", 700024);
            // aud: the http URL, the v1 endpoint, another tenant: none is the endpoint the request was sent to
            for (String aud : List.of(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token",
                    s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/token",
                    s.httpsBaseUrl() + "/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token")) {
                assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                        APP_CERTIFICATE.x5t(), assertionClaims(aud, s.clientId(), now)))), 401, "invalid_client", 700023);
            }
            // iss / sub not the client id
            ObjectNode otherIssuer = assertionClaims(endpoint, s.clientId(), now).put("iss", "11111111-2222-4333-8444-555555555555");
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), otherIssuer))), 401, "invalid_client", 700021);
            // no jti; not a JWT at all
            ObjectNode noJti = assertionClaims(endpoint, s.clientId(), now);
            noJti.remove("jti");
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "RS256", "x5t",
                    APP_CERTIFICATE.x5t(), noJti))), 400, "invalid_request", 50027);
            assertAad(postForm(tls, endpoint, certificateForm(s, "not.a-jwt")), 400, "invalid_request", 50027);
            // PS256 must name the key by x5t#S256
            assertAad(postForm(tls, endpoint, certificateForm(s, signedAssertion(APP_CERTIFICATE, "PS256", "x5t",
                    APP_CERTIFICATE.x5t(), assertionClaims(endpoint, s.clientId(), now)))), 401, "invalid_client", 700027);
            // a secret and an assertion in one request
            String valid = signedAssertion(APP_CERTIFICATE, "RS256", "x5t", APP_CERTIFICATE.x5t(),
                    assertionClaims(endpoint, s.clientId(), now));
            assertAad(postForm(tls, endpoint, certificateForm(s, valid) + "&" + form("client_secret", s.clientSecret())),
                    400, "invalid_request", 700025);

            assertEquals(0, s.certificateTokenCount());
            assertEquals(12, s.tokenCallCount());
            // the valid assertion alone still works
            assertEquals(200, postForm(tls, endpoint, certificateForm(s, valid)).statusCode());
            assertEquals(1, s.certificateTokenCount());
        }
    }
}
