package io.github.o365auditcamel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The topics the collector creates at startup take their partitions, replication and retention from the settings
 * ({@code O365_TOPIC_PARTITIONS}, {@code O365_TOPIC_REPLICATION_FACTOR}, {@code O365_TOPIC_RETENTION}); the internal
 * ones get what they need (compaction, retention); a topic that exists is left as it is.
 */
class KafkaTopicsTest {

    private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();

    @Test
    void missingTopicsAreCreatedAsTheSettingsSayAndExistingOnesAreLeftAlone() throws Exception {
        String prefix = "topics-" + Long.toHexString(System.nanoTime()) + ".";
        Map<String, String> values = new HashMap<>();
        values.put("o365.tenant-id", "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b");
        values.put("o365.client-id", "11112222-3333-4444-5555-666677778888");
        values.put("o365.client-secret", "not-a-secret");
        values.put("o365.content-types", "Audit.Exchange,Audit.General");
        values.put("o365.topic-prefix", prefix);
        values.put("o365.state-topic", prefix + "state");
        values.put("o365.content-refs-topic", prefix + "content-refs");
        values.put("o365.deadletter-topic", prefix + "deadletter");
        values.put("o365.topic-partitions", "6");
        values.put("o365.topic-replication-factor", "1");
        values.put("o365.topic-retention", "3d");
        CollectorSettings settings = CollectorSettings.from(values::get);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            // Event Manager's team made this one already, its own way
            admin.createTopics(List.of(new NewTopic(prefix + "audit.general", Optional.of(2), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);

            KafkaTopics topics = new KafkaTopics(List.of(settings), KafkaClientSettings.plaintext(
                    broker.bootstrapServers()));
            topics.start();
            topics.stop();

            assertEquals(6, partitions(admin, prefix + "audit.exchange"));
            assertEquals(String.valueOf(3 * 24 * 3600 * 1000L), config(admin, prefix + "audit.exchange", "retention.ms"));
            assertEquals(2, partitions(admin, prefix + "audit.general"), "an existing topic is left as it is");
            assertEquals("compact", config(admin, prefix + "state", "cleanup.policy"));
            assertEquals(1, partitions(admin, prefix + "state"));
            assertEquals(12, partitions(admin, prefix + "content-refs"));
            assertEquals(String.valueOf(8 * 24 * 3600 * 1000L), config(admin, prefix + "content-refs", "retention.ms"));
            assertEquals(String.valueOf(14 * 24 * 3600 * 1000L), config(admin, prefix + "deadletter", "retention.ms"));
        }
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic);
        return description.partitions().size();
    }

    private static String config(Admin admin, String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        return config.get(key).value();
    }
}
