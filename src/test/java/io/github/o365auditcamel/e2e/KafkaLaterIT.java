package io.github.o365auditcamel.e2e;

import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.Test;

/**
 * Kafka absent when the collector starts (a cluster starting beside it, a network policy not applied yet): it does
 * not exit; it waits, one line per attempt (2 s, doubling up to 30 s) instead of the client's own line per reconnect,
 * answers live 200 and ready 503 naming the brokers, and collects every record once when Kafka comes.
 */
class KafkaLaterIT {

    @Test
    void aCollectorStartedBeforeKafkaWaitsSayingWhyThenCollectsEverything() throws Exception {
        int kafkaPort = freePort();
        try (ManagementApiSimulator simulator = ManagementApiSimulator.builder().blobsPerContentType(2)
                .recordsPerBlob(10).backlog(Duration.ofHours(6)).seed(31).build();
             EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Files.createTempDirectory("kafka-later"),
                     kafkaPort)) {
            simulator.start();
            String brokers = "127.0.0.1:" + kafkaPort;
            Map<String, String> env = CollectorProcess.environment(simulator, brokers, "later.");
            int port = Integer.parseInt(env.get("O365_MANAGEMENT_PORT"));
            ManagementPort management = new ManagementPort(() -> port);

            try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
                collector.awaitOutput("is not usable yet", Duration.ofSeconds(60));
                String ready = management.await("/observe/health/ready?data=true",
                        r -> r.statusCode() == 503 && r.body().contains(brokers), Duration.ofSeconds(30)).body();
                assertEquals(200, management.get("/observe/health/live").statusCode(), ready);
                Thread.sleep(5_000);
                List<String> waiting = collector.outputLines().stream()
                        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
                assertTrue(collector.isAlive(), collector.output());
                // about 20 s of waiting: an attempt waits 15 s for an answer, then 2, 4, 8 s: a line or two, not
                // Kafka's own line per reconnect
                assertTrue(waiting.size() >= 1 && waiting.size() <= 3, String.join("\n", waiting));
                assertTrue(waiting.stream().allMatch(l -> l.contains("Kafka at " + brokers + " (PLAINTEXT) is not"
                        + " usable yet: no broker answered")), String.join("\n", waiting));

                broker.start();
                int expected = simulator.recordCount();
                try (TopicReader reader = new TopicReader(brokers, CollectorProcess.recordTopics("later."))) {
                    List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected,
                            Duration.ofSeconds(120));
                    Set<String> ids = new HashSet<>();
                    records.forEach(r -> assertTrue(ids.add(r.key()), "record twice: " + r));
                    assertEquals(expected, records.size(), collector.output());
                }
                management.await("/observe/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(30));
                assertFalse(collector.output().contains("\tat "), "no stack trace:\n" + collector.output());
                collector.stop();
            }
        }
    }
}
