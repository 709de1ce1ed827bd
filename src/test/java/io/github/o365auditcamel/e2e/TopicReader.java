package io.github.o365auditcamel.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads whole topics from a real broker, as Event Manager would (read_committed), for assertions. */
public final class TopicReader implements AutoCloseable {

    /** One record as it sits in Kafka. */
    public record Record(String topic, int partition, long offset, String key, String value,
            java.util.Map<String, String> headers) {

        @Override
        public String toString() {
            return topic + "/" + partition + "@" + offset + " key=" + key + " headers=" + headers;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Record> records = new ArrayList<>();
    /** Positions read: a rebalance while topics appear rewinds the consumer, and a re-read is not a duplicate. */
    private final java.util.Set<String> positions = new java.util.HashSet<>();

    public TopicReader(String brokers, Collection<String> topics) {
        this(brokers, topics, true);
    }

    /** With {@code readCommitted} false the reader also sees records of open and aborted transactions. */
    public TopicReader(String brokers, Collection<String> topics, boolean readCommitted) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-reader-" + java.util.UUID.randomUUID());
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        // topics appear when the collector first writes to them: subscribe, so that they are picked up then
        consumer.subscribe(topics);
    }

    /** Polls until {@code done} holds for everything read so far, or the timeout passes; returns all records read. */
    public List<Record> readUntil(Predicate<List<Record>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(records) && Instant.now().isBefore(deadline)) {
            pollOnce(Duration.ofMillis(300));
        }
        return List.copyOf(records);
    }

    /** Reads whatever else arrives during {@code quiet}. */
    public List<Record> drain(Duration quiet) {
        Instant deadline = Instant.now().plus(quiet);
        while (Instant.now().isBefore(deadline)) {
            pollOnce(Duration.ofMillis(200));
        }
        return List.copyOf(records);
    }

    private void pollOnce(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            if (!positions.add(r.topic() + "/" + r.partition() + "/" + r.offset())) {
                continue;
            }
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            records.add(new Record(r.topic(), r.partition(), r.offset(), r.key(), new String(r.value(), StandardCharsets.UTF_8), headers));
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
