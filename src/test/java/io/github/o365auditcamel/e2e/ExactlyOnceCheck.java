package io.github.o365auditcamel.e2e;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the record topics as Event Manager does ({@code read_committed}) once every record the simulator served is
 * there, and counts the records lost and those that came twice. When records are missing it says which blobs they
 * belong to, how often each was fetched, and whether the records sit in a transaction that never committed.
 */
final class ExactlyOnceCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the topics held: every record read, the ids served, how many of them are missing and how many came twice. */
    record Outcome(List<TopicReader.Record> records, Set<String> served, long lost, long duplicates,
                   long allArrivedNanos) {
    }

    private ExactlyOnceCheck() {
    }

    /** Waits up to {@code timeout} for every served record, reads a few seconds more for late copies, and counts. */
    static Outcome awaitEveryRecord(EmbeddedKafkaBroker broker, List<String> topics, ManagementApiSimulator simulator,
            Duration timeout, String label) throws Exception {
        int expected = simulator.recordCount();
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topics)) {
            reader.readUntil(r -> r.size() >= expected, timeout);
            long arrived = System.nanoTime();
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(4));
            Map<String, Long> copies = records.stream()
                    .collect(Collectors.groupingBy(TopicReader.Record::key, Collectors.counting()));
            long duplicates = copies.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            Set<String> served = simulator.recordsByContentType().values().stream().flatMap(List::stream)
                    .map(ExactlyOnceCheck::idOf).collect(Collectors.toSet());
            long lost = served.stream().filter(id -> !copies.containsKey(id)).count();
            System.out.printf("%s: %d records served, %d in Kafka, %d lost, %d duplicates%n",
                    label, served.size(), records.size(), lost, duplicates);
            simulator.blobGetCounts().forEach((id, gets) -> {
                if (gets != 1) {
                    System.out.printf("  blob %s fetched %d times%n", id, gets);
                }
            });
            if (lost > 0) {
                explainLoss(broker, topics, simulator, copies, served);
            }
            return new Outcome(records, served, lost, duplicates, arrived);
        }
    }

    private static void explainLoss(EmbeddedKafkaBroker broker, List<String> topics, ManagementApiSimulator simulator,
            Map<String, Long> copies, Set<String> served) throws Exception {
        // which blobs: how often each was fetched, and how many of its records are in Kafka
        for (ManagementApiSimulator.Blob blob : simulator.blobs()) {
            long missing = simulator.records(blob.contentId()).stream().map(ExactlyOnceCheck::idOf)
                    .filter(id -> !copies.containsKey(id)).count();
            if (missing > 0) {
                System.out.printf("  blob %s (%s, created %s): %d GETs, %d of %d records missing%n",
                        blob.contentId(), blob.contentType(), blob.contentCreated(),
                        simulator.blobGetCount(blob.contentId()), missing, blob.recordCount());
            }
        }
        try (TopicReader raw = new TopicReader(broker.bootstrapServers(), topics, false)) {
            List<TopicReader.Record> all = raw.drain(Duration.ofSeconds(5));
            Map<String, Long> rawCopies = all.stream()
                    .collect(Collectors.groupingBy(TopicReader.Record::key, Collectors.counting()));
            long presentUncommitted = served.stream().filter(id -> !copies.containsKey(id))
                    .filter(rawCopies::containsKey).count();
            System.out.printf("  read_uncommitted: %d records; %d of the lost ones are there%n",
                    all.size(), presentUncommitted);
        }
        // a last stable offset behind the high watermark: a transaction still open
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
            for (String topic : topics) {
                for (int p = 0; p < 3; p++) {
                    spec.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            var committed = admin.listOffsets(spec, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
            var uncommitted = admin.listOffsets(spec, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get();
            committed.forEach((tp, info) -> System.out.printf("  %s LSO %d HW %d%n", tp, info.offset(),
                    uncommitted.get(tp).offset()));
        }
    }

    static String idOf(String json) {
        try {
            return JSON.readTree(json).get("Id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
