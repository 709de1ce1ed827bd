package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.kafka.RefuseTopicCreation;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster where the collector may not create topics (the platform team creates them; here a topic creation policy
 * refuses clients' requests, as ACLs without Create would): missing topics stop startup with one line naming each
 * with the settings it needs, and topics created beforehand are used as they are.
 */
class PreCreatedTopicsIT {

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.withBrokerSettings(Map.of(
                "create.topic.policy.class.name", RefuseTopicCreation.class.getName(),
                "auto.create.topics.enable", "false")).start();
        simulator = ManagementApiSimulator.builder().contentTypes(List.of("Audit.Exchange", "DLP.All"))
                .blobsPerContentType(3).recordsPerBlob(20).backlog(Duration.ofDays(1)).seed(44).build();
        simulator.start();
    }

    @AfterAll
    static void stopServices() {
        RefuseTopicCreation.REFUSING.set(true);
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, String> environment(String prefix) {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.put("O365_CONTENT_TYPES", "Audit.Exchange,DLP.All");
        env.put("O365_DEADLETTER_TOPIC", prefix + "deadletter");
        return env;
    }

    @Test
    void missingTopicsThatMayNotBeCreatedAreNamedWithTheirSettingsUntilTheyExist() throws Exception {
        Map<String, String> env = environment("missing.");
        int port = Integer.parseInt(env.get("O365_MANAGEMENT_PORT"));
        ManagementPort management = new ManagementPort(() -> port);
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            collector.awaitOutput("Kafka topics missing", Duration.ofSeconds(60));
            String ready = management.await("/observe/health/ready?data=true",
                    r -> r.statusCode() == 503 && r.body().contains("Kafka topics missing"), Duration.ofSeconds(30))
                    .body();
            String line = collector.outputLines().stream().filter(l -> l.contains("Kafka topics missing"))
                    .findFirst().orElseThrow();

            assertTrue(line.contains("missing.state (1 partition, cleanup.policy=compact)"), line);
            assertTrue(line.contains("missing.content-refs (12 partitions, retention.ms=691200000)"), line);
            assertTrue(line.contains("missing.audit.exchange") && line.contains("missing.dlp.all"), line);
            assertTrue(line.contains("PolicyViolationException: topics are created by the platform team"), line);
            assertTrue(ready.contains("missing.state"), ready);
            assertEquals(200, management.get("/observe/health/live").statusCode());
            assertFalse(collector.output().contains("\tat "), "no stack trace:\n" + collector.output());
        }
    }

    @Test
    void topicsCreatedBeforehandAreUsedAsTheyAre() throws Exception {
        String prefix = "team.";
        List<String> topics = new ArrayList<>(CollectorProcess.recordTopics(prefix).stream()
                .filter(t -> t.endsWith("audit.exchange") || t.endsWith("dlp.all")).toList());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            // the platform team's topics, with settings of its own (the state compacted, as the docs ask)
            RefuseTopicCreation.REFUSING.set(false);
            List<NewTopic> created = new ArrayList<>();
            topics.forEach(t -> created.add(new NewTopic(t, Optional.of(2), Optional.empty())));
            created.add(new NewTopic(prefix + "state", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            created.add(new NewTopic(prefix + "content-refs", 12, (short) 1));
            created.add(new NewTopic(prefix + "deadletter", 1, (short) 1));
            admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
            RefuseTopicCreation.REFUSING.set(true);

            int expected = simulator.recordCount();
            try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(),
                    environment(prefix));
                 TopicReader reader = new TopicReader(broker.bootstrapServers(), topics)) {
                List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected,
                        Duration.ofSeconds(90));
                Set<String> ids = new HashSet<>();
                records.forEach(r -> assertTrue(ids.add(r.key()), "record twice: " + r));
                assertEquals(expected, records.size(), collector.output());
                assertFalse(collector.output().contains("Created topic"), collector.output());
                assertEquals(2, admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topics.get(0)).partitions().size(), "the team's partitions, left as they are");
                collector.stop();
            }
        } finally {
            RefuseTopicCreation.REFUSING.set(true);
        }
    }
}
