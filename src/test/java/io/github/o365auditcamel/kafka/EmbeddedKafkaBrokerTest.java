package io.github.o365auditcamel.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbeddedKafkaBrokerTest {

    private static final String TOPIC = "embedded-broker-test";

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void transactionsSurviveRestart() throws Exception {
        Path dir;
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()) {
            assertFalse(broker.isRunning());
            long t0 = System.nanoTime();
            broker.start();
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("EmbeddedKafkaBroker started in " + startMs + " ms at " + broker.bootstrapServers());
            assertTrue(broker.isRunning());
            String bootstrap = broker.bootstrapServers();
            assertTrue(bootstrap.matches("127\\.0\\.0\\.1:\\d+"), bootstrap);
            dir = broker.logDir();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(10, TimeUnit.SECONDS);
                assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(TOPIC));
            }

            Map<String, String> first = records("a", 10);
            produceTransactionally(bootstrap, first);
            assertEquals(first, consumeCommitted(bootstrap, first.size()));

            // a client that stays connected while the broker goes away and comes back
            KafkaProducer<String, String> survivor = new KafkaProducer<>(idempotentProducerProps(bootstrap));
            survivor.send(new ProducerRecord<>(TOPIC, "c-key-0", "c-value-0")).get(10, TimeUnit.SECONDS);
            first.put("c-key-0", "c-value-0");

            long r0 = System.nanoTime();
            broker.restart();
            long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0);
            System.out.println("EmbeddedKafkaBroker restarted in " + restartMs + " ms");
            assertTrue(broker.isRunning());
            assertEquals(bootstrap, broker.bootstrapServers(), "same port after restart");

            assertEquals(first, consumeCommitted(bootstrap, first.size()), "data kept across restart");

            try (survivor) {
                survivor.send(new ProducerRecord<>(TOPIC, "c-key-1", "c-value-1")).get(15, TimeUnit.SECONDS);
            }
            first.put("c-key-1", "c-value-1");

            Map<String, String> second = records("b", 5);
            produceTransactionally(bootstrap, second);
            Map<String, String> all = new LinkedHashMap<>(first);
            all.putAll(second);
            assertEquals(all, consumeCommitted(bootstrap, all.size()));

            broker.stop();
            assertFalse(broker.isRunning());
            assertTrue(Files.exists(dir), "stop() keeps the data");
        }
        assertFalse(Files.exists(dir), "close() deletes the temp dir it created");
    }

    private static Map<String, String> records(String prefix, int n) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(prefix + "-key-" + i, prefix + "-value-" + i);
        }
        return m;
    }

    private static Properties idempotentProducerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static void produceTransactionally(String bootstrap, Map<String, String> records) throws Exception {
        Properties p = idempotentProducerProps(bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-test-tx");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Map.Entry<String, String> e : records.entrySet()) {
                producer.send(new ProducerRecord<>(TOPIC, e.getKey(), e.getValue()));
            }
            producer.commitTransaction();
        }
    }

    private static Map<String, String> consumeCommitted(String bootstrap, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-broker-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(Set.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (got.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            // give a stray extra record a brief chance to show up
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        // compared as maps: the order across partitions is not defined
        Map<String, String> byKey = new TreeMap<>();
        got.forEach(r -> byKey.put(r.key(), r.value()));
        assertEquals(expected, got.size(), "record count: " + byKey);
        return byKey;
    }
}
