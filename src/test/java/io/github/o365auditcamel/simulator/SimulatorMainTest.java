package io.github.o365auditcamel.simulator;

import io.github.o365auditcamel.testing.LocalMachine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.o365auditcamel.simulator.SimulatorTestSupport.JSON;
import static io.github.o365auditcamel.simulator.SimulatorTestSupport.form;
import static io.github.o365auditcamel.simulator.SimulatorTestSupport.get;
import static io.github.o365auditcamel.simulator.SimulatorTestSupport.postForm;
import static io.github.o365auditcamel.simulator.SimulatorTestSupport.trusting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator run alone: its arguments, the lines it prints, and a collector's first calls with what they say. */
class SimulatorMainTest {

    private static final Pattern EXPORT = Pattern.compile("export (O365_[A-Z_]+)='([^']*)'");

    @Test
    void printsWhereItListensAndAnswersTheCollectorsFirstCalls() throws Exception {
        int port = LocalMachine.freePort();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ManagementApiSimulator sim = SimulatorMain.start(new String[] {"--port", Integer.toString(port),
                "--blobs", "2", "--records", "3", "--backlog", "2h", "--seed", "7"},
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
            String http = "http://127.0.0.1:" + port;
            assertEquals(http, sim.baseUrl());
            assertTrue(lines.get(0).contains("http " + http + ", https " + sim.httpsBaseUrl()), lines.get(0));
            assertTrue(lines.get(0).contains("tenant " + sim.tenantId()), lines.get(0));
            assertEquals(5 * 2, sim.blobs().size(), "--blobs is per content type");
            assertEquals(5 * 2 * 3, sim.recordCount());

            Map<String, String> env = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                Matcher m = EXPORT.matcher(line);
                assertTrue(m.matches(), line);
                env.put(m.group(1), m.group(2));
            }
            assertEquals(Map.of("O365_LOGIN_URL", sim.httpsBaseUrl(),
                    "O365_TRUSTED_CERTIFICATES", sim.serverCertificateFile().toString(),
                    "O365_API_URL", http,
                    "O365_TENANT_ID", sim.tenantId(),
                    "O365_CLIENT_ID", sim.clientId(),
                    "O365_CLIENT_SECRET", sim.clientSecret(),
                    // the simulator does not keep Microsoft's 15 minutes between subscription starts
                    "O365_SUBSCRIPTION_START_INTERVAL", "0s"), env);

            // what the collector does with them: a token from the login URL trusting the certificate, then the API
            HttpClient tls = trusting(certificate(Path.of(env.get("O365_TRUSTED_CERTIFICATES"))));
            HttpResponse<String> token = postForm(tls, env.get("O365_LOGIN_URL") + "/" + env.get("O365_TENANT_ID")
                    + "/oauth2/v2.0/token", form("grant_type", "client_credentials",
                    "client_id", env.get("O365_CLIENT_ID"), "client_secret", env.get("O365_CLIENT_SECRET"),
                    "scope", "https://manage.office.com/.default"));
            assertEquals(200, token.statusCode(), token.body());
            String bearer = JSON.readTree(token.body()).get("access_token").asText();
            HttpResponse<String> list = get(env.get("O365_API_URL") + "/api/v1.0/" + env.get("O365_TENANT_ID")
                    + "/activity/feed/subscriptions/list", bearer, null);
            assertEquals(200, list.statusCode(), list.body());
            assertEquals(JSON.readTree("[]"), JSON.readTree(list.body()), "no subscription before the collector's start");
        }
    }

    @Test
    void rejectsMalformedArguments() {
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.builder(new String[] {"--blobs"}));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.builder(new String[] {"--ports", "1"}));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.builder(new String[] {"--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.builder(new String[] {"--port", "70000"}));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.builder(new String[] {"--backlog", "3 days"}));
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
