package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.Faults;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A misbehaving service: about 15 % of calls throttled (AF429 as 403 with Retry-After), 5xx and HTML error pages,
 * 408s and dropped connections (before the answer and in the middle of a blob),
 * tokens that live 8 seconds, listings that repeat blobs, records served twice, and blobs that show up late behind
 * the checkpoint. Every record arrives exactly once.
 */
class StormTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "storm.";

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(10)
                .recordsPerBlob(60)
                .backlog(Duration.ofDays(3))
                .pageSize(4)
                .tokenLifetime(Duration.ofSeconds(8))
                .duplicateRecordShare(0.03)
                .faults(new Faults(0.15, 403, 1, 0.05, 0.03).withNetworkFaults(0.04, 0.04))
                .seed(2026)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        // quick back-off for the test; the service's Retry-After (1 s) still applies to throttling
        props.put("o365.api.retry-delay-millis", "100");
        props.put("o365.api.max-retries", "10");
    }

    @Test
    void everyRecordArrivesExactlyOnceThroughTheStorm() throws Exception {
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            reader.readUntil(r -> r.size() >= simulator.recordCount(), Duration.ofSeconds(120));
            // late blobs: made available now, but dated behind the checkpoint (within the overlap)
            Instant late = Instant.now().minus(Duration.ofMinutes(20));
            for (String type : ManagementApiSimulator.ALL_CONTENT_TYPES) {
                simulator.addBlobs(type, 1, 40, late);
            }
            int expected = simulator.recordCount();
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(5));

            Map<String, Long> copies = records.stream()
                    .collect(Collectors.groupingBy(TopicReader.Record::key, Collectors.counting()));
            Set<String> served = simulator.recordsByContentType().values().stream().flatMap(List::stream)
                    .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
            long lost = served.stream().filter(id -> !copies.containsKey(id)).count();
            long duplicates = records.size() - copies.size();
            System.out.printf("storm: %d records served, %d in Kafka, %d lost, %d duplicates; %d API calls, %d throttled,"
                    + " %d server errors, %d timeouts (408), %d dropped connections, %d tokens%n", served.size(),
                    records.size(), lost, duplicates, simulator.totalApiCalls(), simulator.throttledCount(),
                    simulator.serverErrorCount(), simulator.timeoutCount(), simulator.droppedConnectionCount(),
                    simulator.tokenCallCount());
            assertEquals(0, lost, "lost records");
            assertEquals(0, duplicates, "duplicated records");
            assertEquals(served.size(), records.size());
        }
        assertTrue(simulator.throttledCount() > 10, "throttled calls: " + simulator.throttledCount());
        assertTrue(simulator.serverErrorCount() > 3, "server errors: " + simulator.serverErrorCount());
        assertTrue(simulator.tokenCallCount() >= 2, "tokens renewed: " + simulator.tokenCallCount());
    }

}
