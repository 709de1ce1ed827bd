package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.SecuredKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar against a broker whose client port speaks only SASL_SSL (and one that demands a client certificate),
 * configured the way camel-kafka users write it: {@code CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL} and friends. Every
 * Kafka client of the collector (its routes' consumers and producers, the publishing producers, the state store, the
 * admin clients) must take them, or nothing arrives.
 */
class SecuredKafkaIT {

    private static SecuredKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = new SecuredKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofDays(1))
                .seed(15)
                .build();
        simulator.start();
    }

    @AfterAll
    static void stopServices() {
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** SASL_SSL with SCRAM-SHA-512 and a PEM trust store, as for Strimzi's cluster CA. */
    private static Map<String, String> saslSsl(String prefix, String password) {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        SecuredKafkaBroker.SaslUser alice = broker.scramSha512User();
        env.putAll(CollectorProcess.kafkaEnvironment(broker.saslSslClientPropertiesWithPemTruststore(
                new SecuredKafkaBroker.SaslUser(alice.mechanism(), alice.name(), password))));
        return env;
    }

    @Test
    void everyRecordArrivesOnceThroughSaslSslWithScram() throws Exception {
        String password = broker.scramSha512User().password();
        Map<String, String> env = saslSsl("sasl.", password);

        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            assertEveryRecordOnce(collector, "sasl.");
            assertTrue(collector.output().contains("SASL_SSL with SCRAM-SHA-512"), collector.output());
            assertFalse(collector.output().contains(password), "the JAAS password is not logged");
            collector.stop();
        }
    }

    @Test
    void everyRecordArrivesOnceThroughMutualTls() throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.mutualTlsBootstrapServers(), "mtls.");
        env.putAll(CollectorProcess.kafkaEnvironment(broker.mutualTlsClientProperties()));

        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            assertEveryRecordOnce(collector, "mtls.");
            assertFalse(collector.output().contains(broker.tls().clientKeystorePassword()), "no store password");
            collector.stop();
        }
    }

    @Test
    void aWrongPasswordIsOneClearLinePerAttemptAndReadinessNamesIt() throws Exception {
        String wrong = "not-alices-password-" + System.nanoTime();
        Map<String, String> env = saslSsl("wrong.", wrong);
        int port = Integer.parseInt(env.get("O365_MANAGEMENT_PORT"));
        ManagementPort management = new ManagementPort(() -> port);

        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            collector.awaitOutput("is not usable yet", Duration.ofSeconds(60));
            HttpResponse<String> ready = management.await("/observe/health/ready?data=true",
                    r -> r.statusCode() == 503 && r.body().contains("Authentication failed"), Duration.ofSeconds(30));
            Thread.sleep(8000);

            List<String> attempts = collector.outputLines().stream()
                    .filter(l -> l.contains("is not usable yet")).toList();
            assertTrue(attempts.get(0).contains("SaslAuthenticationException")
                    && attempts.get(0).contains("invalid credentials"), attempts.get(0));
            // the attempts back off (2, 4, 8 s ...): a handful of lines, not Kafka's own line per reconnect
            assertTrue(attempts.size() >= 2 && attempts.size() <= 6, String.join("\n", attempts));
            long kafkaLines = collector.outputLines().stream()
                    .filter(l -> l.contains("WARN") || l.contains("ERROR")).count();
            assertTrue(kafkaLines <= attempts.size() + 2, collector.output());
            JsonNode check = ManagementPort.check(new ObjectMapper().readTree(ready.body()), "collector");
            assertTrue(check.get("data").get("kafka").asText().contains("SASL_SSL with SCRAM-SHA-512"), check.toString());
            assertEquals(200, management.get("/observe/health/live").statusCode());
            assertTrue(collector.isAlive());
            assertFalse(collector.output().contains(wrong), "the wrong password is not logged either");
            assertFalse(collector.output().contains("\tat "), "no stack trace:\n" + collector.output());
        }
    }

    private static void assertEveryRecordOnce(CollectorProcess collector, String prefix) {
        int expected = simulator.recordCount();
        try (TopicReader reader = new TopicReader(broker.internalBootstrapServers(),
                CollectorProcess.recordTopics(prefix))) {
            List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            records = reader.drain(Duration.ofSeconds(3));
            Set<String> ids = new HashSet<>();
            records.forEach(r -> assertTrue(ids.add(r.key()), "record twice: " + r));
            assertEquals(expected, records.size(), collector.output());
        }
    }
}
