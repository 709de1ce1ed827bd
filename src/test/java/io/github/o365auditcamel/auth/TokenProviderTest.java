package io.github.o365auditcamel.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatorBuilder;
import io.github.o365auditcamel.testing.TestCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens through Microsoft's MSAL4J from the simulator's login host (over HTTPS, trusting its certificate): with the
 * client secret or with a certificate, cached until they are about to expire, asked for anew after a 401, and a
 * refusal said in one line without the credential.
 */
class TokenProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ManagementApiSimulator simulator;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private ManagementApiSimulator start(SimulatorBuilder builder) {
        simulator = builder.blobsPerContentType(0).build();
        simulator.start();
        return simulator;
    }

    private TokenProvider tokens(Map<String, String> credentials) {
        Map<String, String> values = new HashMap<>(credentials);
        values.put("o365.tenant-id", simulator.tenantId());
        values.putIfAbsent("o365.client-id", simulator.clientId());
        values.put("o365.login-url", simulator.httpsBaseUrl());
        values.put("o365.api-url", simulator.baseUrl());
        values.put("o365.trusted-certificates", simulator.serverCertificateFile().toString());
        CollectorSettings settings = CollectorSettings.from(values::get);
        return new TokenProvider(settings, new CollectorMetrics(meters, settings.contentTypes(), Clock.systemUTC()));
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void aSecretGetsOneTokenThatIsReusedUntilTheApiRefusesIt() {
        start(ManagementApiSimulator.builder());
        TokenProvider tokens = tokens(Map.of("o365.client-secret", simulator.clientSecret()));

        String first = tokens.token();
        assertEquals(first, tokens.token(), "cached");
        assertEquals(first, tokens.authorizationHeader().substring("Bearer ".length()));
        assertEquals(1, simulator.tokenCallCount(), "one request to the login host for three tokens");
        assertNull(tokens.lastFailure());

        tokens.invalidate();
        String second = tokens.token();

        assertFalse(first.equals(second), "a new token after a 401");
        assertEquals(2, simulator.tokenCallCount());
        assertEquals(second, tokens.token(), "and that one is cached again");
        assertEquals(2, simulator.tokenCallCount());
        assertEquals(2.0, meters.get("o365.token.refreshes").tag("result", "success").counter().count());
    }

    @Test
    void aCertificateInPemOrPkcs12SignsTheAssertionAndGetsACertificateToken() throws Exception {
        TestCertificate certificate = TestCertificate.generate("o365-audit-camel test app");
        start(ManagementApiSimulator.builder().clientCertificate(certificate.certificate()));

        TokenProvider fromPem = tokens(Map.of("o365.client-certificate",
                certificate.writePem(dir.resolve("app.pem")).toString()));
        JsonNode pemClaims = claims(fromPem.token());
        TokenProvider fromPkcs12 = tokens(Map.of(
                "o365.client-certificate", certificate.writePkcs12(dir.resolve("app.pfx"), "pfx".toCharArray())
                        .toString(),
                "o365.client-certificate-password", "pfx"));
        JsonNode pkcs12Claims = claims(fromPkcs12.token());

        assertEquals("2", pemClaims.get("appidacr").asText(), "authenticated with a certificate");
        assertEquals("2", pkcs12Claims.get("appidacr").asText());
        assertEquals(2, simulator.certificateTokenCount());
        assertEquals(simulator.tenantId(), pemClaims.get("tid").asText());
    }

    @Test
    void aCertificateTheAppDoesNotKnowIsRefusedInOneLine() throws Exception {
        start(ManagementApiSimulator.builder().clientCertificate(TestCertificate.generate("the app's").certificate()));
        TokenProvider tokens = tokens(Map.of("o365.client-certificate",
                TestCertificate.generate("another").writePem(dir.resolve("other.pem")).toString()));

        TokenRequestException refused = assertThrows(TokenRequestException.class, tokens::token);

        assertTrue(refused.getMessage().contains("HTTP 401 invalid_client AADSTS700027"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line");
        assertEquals(refused.getMessage(), tokens.lastFailure());
        assertEquals(401, refused.status());
    }

    @Test
    void aWrongSecretIsRefusedWithTheReasonAndNeverShown() {
        start(ManagementApiSimulator.builder());
        String wrong = "not-the-secret-" + "y".repeat(20);
        TokenProvider tokens = tokens(Map.of("o365.client-secret", wrong));

        TokenRequestException refused = assertThrows(TokenRequestException.class, tokens::token);

        assertTrue(refused.getMessage().contains("AADSTS7000215"), refused.getMessage());
        assertFalse(refused.getMessage().contains(wrong));
        assertEquals(1.0, meters.get("o365.token.refreshes").tag("result", "failure").counter().count());
    }

    @Test
    void aLoginHostWhoseCertificateIsNotTrustedIsRefused() {
        start(ManagementApiSimulator.builder());
        Map<String, String> values = new HashMap<>();
        values.put("o365.tenant-id", simulator.tenantId());
        values.put("o365.client-id", simulator.clientId());
        values.put("o365.client-secret", simulator.clientSecret());
        values.put("o365.login-url", simulator.httpsBaseUrl());
        CollectorSettings settings = CollectorSettings.from(values::get);
        TokenProvider tokens = new TokenProvider(settings,
                new CollectorMetrics(meters, settings.contentTypes(), Clock.systemUTC()));

        TokenRequestException refused = assertThrows(TokenRequestException.class, tokens::token);

        assertTrue(refused.getMessage().contains("unreachable"), refused.getMessage());
        assertEquals(0, simulator.tokenCallCount(), "nothing was sent to a host we do not trust");
    }
}
