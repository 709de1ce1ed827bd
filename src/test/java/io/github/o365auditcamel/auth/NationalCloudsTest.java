package io.github.o365auditcamel.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One setting, {@code o365.cloud}, picks the login host, the API host and the token scope of each Microsoft 365
 * cloud (the API reference, section on national clouds). Against the simulator playing that cloud (its token endpoint
 * accepts only the cloud's own scope), each gets a token; a token asked for another cloud's scope is refused.
 */
class NationalCloudsTest {

    private static final String TENANT = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";

    private static CollectorSettings settings(String cloud, ManagementApiSimulator simulator) {
        Map<String, String> values = new HashMap<>();
        values.put("o365.tenant-id", TENANT);
        values.put("o365.client-id", simulator == null ? "11111111-2222-3333-4444-555555555555" : simulator.clientId());
        values.put("o365.client-secret", simulator == null ? "not-a-secret" : simulator.clientSecret());
        values.put("o365.cloud", cloud);
        if (simulator != null) {
            // the simulator stands in for the cloud's hosts; the scope stays the cloud's
            values.put("o365.login-url", simulator.httpsBaseUrl());
            values.put("o365.trusted-certificates", simulator.serverCertificateFile().toString());
            values.put("o365.api-url", simulator.baseUrl());
        }
        return CollectorSettings.from(values::get);
    }

    private static TokenProvider tokens(CollectorSettings settings) {
        return new TokenProvider(settings, new CollectorMetrics(new SimpleMeterRegistry(), settings.contentTypes(),
                Clock.systemUTC()));
    }

    private static ManagementApiSimulator simulatorOf(String apiHost) {
        ManagementApiSimulator simulator = ManagementApiSimulator.builder().tenantId(TENANT).cloudResource(apiHost)
                .blobsPerContentType(1).recordsPerBlob(1).build();
        simulator.start();
        return simulator;
    }

    @ParameterizedTest
    @CsvSource({
        "enterprise, https://login.microsoftonline.com, https://manage.office.com",
        "gcc,        https://login.microsoftonline.com, https://manage-gcc.office.com",
        "gcc-high,   https://login.microsoftonline.us,  https://manage.office365.us",
        "dod,        https://login.microsoftonline.us,  https://manage.protection.apps.mil",
    })
    void eachCloudHasItsLoginHostApiHostAndScope(String cloud, String loginHost, String apiHost) {
        CollectorSettings settings = settings(cloud, null);

        assertEquals(loginHost + "/" + TENANT + "/oauth2/v2.0/token", settings.tokenEndpoint());
        assertEquals(apiHost + "/api/v1.0/" + TENANT + "/activity/feed", settings.feedUrl());
        assertEquals(apiHost + "/.default", settings.tokenScope());
    }

    @ParameterizedTest
    @CsvSource({
        "enterprise, https://manage.office.com",
        "gcc,        https://manage-gcc.office.com",
        "gcc-high,   https://manage.office365.us",
        "dod,        https://manage.protection.apps.mil",
    })
    void eachCloudGetsATokenForItsOwnApi(String cloud, String apiHost) {
        try (ManagementApiSimulator simulator = simulatorOf(apiHost)) {
            TokenProvider tokens = tokens(settings(cloud, simulator));

            assertFalse(tokens.token().isBlank());
            assertEquals(null, tokens.lastFailure());
        }
    }

    @Test
    void aTokenForAnotherCloudsApiIsRefusedWithTheReason() {
        try (ManagementApiSimulator simulator = simulatorOf("https://manage.office365.us")) {
            TokenProvider tokens = tokens(settings("enterprise", simulator));

            TokenRequestException refused = assertThrows(TokenRequestException.class, tokens::token);
            assertTrue(refused.getMessage().contains("AADSTS70011"), refused.getMessage());
            assertFalse(refused.getMessage().contains(simulator.clientSecret()), "no secret in the message");
        }
    }
}
