package io.github.o365auditcamel.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's baseline: the same records the collector drained (every tenant's, blob by blob), through one plain
 * {@link KafkaProducer} with the collector's producer settings and no transactions, to one topic of the same broker.
 */
final class BaselineProducer {

    static final String TOPIC = "bench.baseline";
    private static final String CLIENT_ID = "o365-bench-baseline";

    private BaselineProducer() {
    }

    /** What the baseline sent, how long it took and the CPU its thread and the producer's network thread spent. */
    record Result(long records, long bytes, double seconds, double cpuSeconds) {
    }

    /** Sends the records, blob by blob, in order; timed from the first send to the end of {@code flush()}. */
    static Result send(String brokers, List<List<byte[]>> blobs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            // topic metadata before the clock starts, as the collector's topics exist before its clock starts
            producer.partitionsFor(TOPIC);
            long records = 0;
            long bytes = 0;
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long networkThread = producerNetworkThread();
            long cpuStart = cpu.getCurrentThreadCpuTime() + cpu.getThreadCpuTime(networkThread);
            long start = System.nanoTime();
            for (List<byte[]> blob : blobs) {
                for (byte[] value : blob) {
                    producer.send(new ProducerRecord<>(TOPIC, null, idOf(value), value));
                    records++;
                    bytes += value.length;
                }
            }
            producer.flush();
            double elapsed = (System.nanoTime() - start) / 1e9;
            long cpuNanos = cpu.getCurrentThreadCpuTime() + cpu.getThreadCpuTime(networkThread) - cpuStart;
            return new Result(records, bytes, elapsed, cpuNanos / 1e9);
        }
    }

    /** The id of the baseline producer's network thread, found by its client id. */
    private static long producerNetworkThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("kafka-producer-network-thread | " + CLIENT_ID)) {
                return t.getId();
            }
        }
        throw new IllegalStateException("no network thread of producer " + CLIENT_ID);
    }

    /** The record's "Id" as key, as the collector keys its records; null when not found. */
    private static String idOf(byte[] json) {
        String head = new String(json, 0, Math.min(json.length, 400), StandardCharsets.UTF_8);
        int i = head.indexOf("\"Id\":\"");
        if (i < 0) {
            return null;
        }
        int end = head.indexOf('"', i + 6);
        return end < 0 ? null : head.substring(i + 6, end);
    }
}
