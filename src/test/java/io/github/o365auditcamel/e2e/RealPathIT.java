package io.github.o365auditcamel.e2e;

import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.SecuredKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.testing.ForwardProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The path a customer runs: the packaged jar with the quick start's settings and no URL overrides, so that the login
 * and API hosts come from the cloud setting, as they do in production, and a Kafka that speaks only SASL_SSL, as
 * production clusters do. This machine cannot reach Microsoft; where Microsoft must answer, a proxy (as a company's)
 * tunnels its real host names to simulators that play them.
 */
class RealPathIT {

    private static final List<String> CONTENT_TYPES = ManagementApiSimulator.ALL_CONTENT_TYPES;
    private static SecuredKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new SecuredKafkaBroker().start();
    }

    /** The quick start's Kafka settings for a SCRAM user over TLS, the broker's authority as a PEM file. */
    private static void secureKafka(Map<String, String> env) {
        env.putAll(CollectorProcess.kafkaEnvironment(
                broker.saslSslClientPropertiesWithPemTruststore(broker.scramSha512User())));
    }

    @Test
    void theQuickStartSettingsAloneRunAndSayInOneLinePerPollWhyNoTokenCanBeHad() throws Exception {
        String tenant = UUID.randomUUID().toString();
        String secret = "quick-start-secret-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>();
        // what the README's quick start sets, and nothing else but a poll interval short enough for a test and a
        // management port of its own
        env.put("O365_TENANT_ID", tenant);
        env.put("O365_CLIENT_ID", UUID.randomUUID().toString());
        env.put("O365_CLIENT_SECRET", secret);
        secureKafka(env);
        env.put("O365_POLL_INTERVAL", "3s");
        int port = freePort();
        env.put("O365_MANAGEMENT_PORT", String.valueOf(port));
        ManagementPort management = new ManagementPort(() -> port);

        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            collector.awaitOutput("poll stopped", Duration.ofSeconds(90));
            Thread.sleep(10_000);
            String endpoint = "token endpoint https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token";

            assertTrue(collector.isAlive(), collector.output());
            for (String type : CONTENT_TYPES) {
                List<String> polls = collector.outputLines().stream()
                        .filter(l -> l.contains(type + ": poll stopped")).toList();
                // a poll every 3 s for about 10 s: one line each, never a burst of retries
                assertTrue(polls.size() >= 3 && polls.size() <= 6, type + ": " + polls.size() + " lines\n"
                        + String.join("\n", polls));
                assertTrue(polls.get(0).contains(endpoint), polls.get(0));
                // off line, the host does not resolve or cannot be reached; on line, the unknown tenant is refused
                assertTrue(polls.get(0).contains("unreachable: ") || polls.get(0).contains("refused"), polls.get(0));
            }
            assertEquals(200, management.get("/observe/health/live").statusCode());
            HttpResponse<String> ready = management.get("/observe/health/ready?data=true");
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode readiness = ManagementPort.check(new ObjectMapper().readTree(ready.body()), "collector");
            assertTrue(readiness.get("data").get("token").asText().startsWith(endpoint), readiness.toString());
            // the reason once: no subscription can start without a token
            assertFalse(readiness.get("message").asText().contains("subscriptions"), readiness.toString());
            assertFalse(collector.output().contains("\tat "), "no stack trace:\n" + collector.output());
            assertFalse(collector.output().contains(secret), "the secret is not logged");
            assertFalse(collector.output().contains(broker.scramSha512User().password()), "nor Kafka's password");
        }
    }

    @Test
    void twoTenantsInTwoCloudsCallTheirOwnHostsAndEveryRecordArrivesOnceThroughSaslSsl() throws Exception {
        String contoso = UUID.randomUUID().toString();
        String fabrikam = UUID.randomUUID().toString();
        String proxyPassword = "proxy-pw-" + UUID.randomUUID();
        try (ManagementApiSimulator enterprise = playing("https://manage.office.com", contoso,
                     "login.microsoftonline.com", "manage.office.com");
             ManagementApiSimulator gccHigh = playing("https://manage.office365.us", fabrikam,
                     "login.microsoftonline.us", "manage.office365.us");
             ForwardProxy proxy = new ForwardProxy("svc-collector", proxyPassword)) {
            proxy.tunnelling("login.microsoftonline.com:443", httpsAddress(enterprise))
                    .tunnelling("manage.office.com:443", httpsAddress(enterprise))
                    .tunnelling("login.microsoftonline.us:443", httpsAddress(gccHigh))
                    .tunnelling("manage.office365.us:443", httpsAddress(gccHigh));
            Path authorities = Files.createTempFile("simulated-microsoft", ".pem");
            Files.writeString(authorities, enterprise.serverCertificatePem() + gccHigh.serverCertificatePem());

            Map<String, String> env = new HashMap<>();
            env.put("O365_TENANTS", "contoso,fabrikam");
            env.put("O365_TENANT_CONTOSO_TENANT_ID", contoso);
            env.put("O365_TENANT_CONTOSO_CLIENT_ID", enterprise.clientId());
            env.put("O365_TENANT_CONTOSO_CLIENT_SECRET", enterprise.clientSecret());
            env.put("O365_TENANT_FABRIKAM_TENANT_ID", fabrikam);
            env.put("O365_TENANT_FABRIKAM_CLIENT_ID", gccHigh.clientId());
            env.put("O365_TENANT_FABRIKAM_CLIENT_SECRET", gccHigh.clientSecret());
            env.put("O365_TENANT_FABRIKAM_CLOUD", "gcc-high");
            // a company's proxy, which is also how this machine reaches "Microsoft"
            env.put("O365_PROXY_URL", proxy.url());
            env.put("O365_PROXY_USERNAME", "svc-collector");
            env.put("O365_PROXY_PASSWORD", proxyPassword);
            env.put("O365_TRUSTED_CERTIFICATES", authorities.toString());
            secureKafka(env);
            env.put("O365_TOPIC_PREFIX", "clouds.");
            env.put("O365_POLL_INTERVAL", "2s");
            env.put("O365_MANAGEMENT_PORT", String.valueOf(freePort()));
            int expected = enterprise.recordCount() + gccHigh.recordCount();

            try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
                 TopicReader reader = new TopicReader(broker.internalBootstrapServers(),
                         CollectorProcess.recordTopics("clouds."))) {
                List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90));
                Map<String, Long> byTenant = records.stream()
                        .collect(Collectors.groupingBy(r -> r.headers().get("o365.tenant"), Collectors.counting()));

                assertEquals(Map.of("contoso", (long) enterprise.recordCount(), "fabrikam",
                        (long) gccHigh.recordCount()), byTenant, collector.output());
                List<String> tunnels = proxy.forwarded().stream().distinct().sorted().toList();
                assertEquals(List.of("CONNECT login.microsoftonline.com:443", "CONNECT login.microsoftonline.us:443",
                        "CONNECT manage.office.com:443", "CONNECT manage.office365.us:443"), tunnels);
                // each simulator served only its own tenant: the other tenant's token never reached it
                assertEquals(enterprise.totalApiCalls(), enterprise.tenant(contoso).totalApiCalls());
                assertEquals(gccHigh.totalApiCalls(), gccHigh.tenant(fabrikam).totalApiCalls());
                assertEquals(1, enterprise.tokenCallCount(), "contoso's token from the enterprise login host");
                assertEquals(1, gccHigh.tokenCallCount(), "fabrikam's token from the US government login host");
                assertEquals(0, enterprise.startCallCount() + gccHigh.startCallCount(), "subscriptions enabled already");
                collector.stop();
            }
        }
    }

    /** A simulator of one cloud, serving one tenant, that plays that cloud's login and API hosts. */
    private static ManagementApiSimulator playing(String cloudResource, String tenant, String... hosts) {
        ManagementApiSimulator simulator = ManagementApiSimulator.builder()
                .tenantId(tenant)
                .cloudResource(cloudResource)
                .playsHosts(hosts)
                .blobsPerContentType(2)
                .recordsPerBlob(10)
                .backlog(Duration.ofDays(1))
                // subscribed before (the setup guide's script did it): the collector lists them and starts none
                .subscriptionsInitiallyEnabled(true)
                .subscriptionStartInterval(Duration.ofMinutes(15))
                .build();
        simulator.start();
        return simulator;
    }

    private static InetSocketAddress httpsAddress(ManagementApiSimulator simulator) {
        return new InetSocketAddress("127.0.0.1", URI.create(simulator.httpsBaseUrl()).getPort());
    }
}
