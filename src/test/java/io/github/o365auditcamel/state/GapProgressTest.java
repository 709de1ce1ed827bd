package io.github.o365auditcamel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A gap's progress in the state store only moves forward: a read of the state topic that began before this instance
 * committed a stretch brings the progress of the stretch before, which must not replace the one just committed (the
 * repair would query that stretch again and publish its records twice).
 */
class GapProgressTest {

    private static final String TENANT = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";

    @Test
    void anOlderProgressReadFromTheTopicDoesNotReplaceTheOneCommittedSince() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
        String topic = "gap-progress-" + Long.toHexString(System.nanoTime());
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin topics = Admin.create(admin)) {
            topics.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
        KafkaStateStore store = new KafkaStateStore(topic, KafkaClientSettings.plaintext(broker.bootstrapServers()),
                Duration.ofSeconds(30), Clock.systemUTC());
        store.start();
        try {
            TenantState state = store.of(TENANT);
            Instant from = Instant.parse("2026-11-10T00:00:00Z");
            Gap found = Gap.found("Audit.Exchange", from, from.plus(Duration.ofDays(14)), from);
            state.recordGap(found);
            Gap first = found.repairedTo(from.plus(Duration.ofDays(1)), 10);
            Gap second = first.repairedTo(from.plus(Duration.ofDays(2)), 12);
            state.rememberGap(second);
            // the first stretch's marker, committed earlier, read only now
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                ProducerRecord<String, byte[]> marker = state.gapMarker(first);
                producer.send(marker).get();
            }
            state.catchUp();

            assertEquals(List.of(second), state.gaps("Audit.Exchange"));
        } finally {
            store.stop();
        }
    }
}
