package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged jar, run as a user runs it, against the simulator and a real Kafka broker. */
class CollectorJarIT {

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = new EmbeddedKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(10)
                .recordsPerBlob(100)
                .backlog(Duration.ofDays(3))
                .pageSize(4)
                .seed(7)
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

    private static Map<String, String> environment() {
        return CollectorProcess.environment(simulator, broker.bootstrapServers());
    }

    @Test
    void theJarDeliversEveryRecordExactlyOnceWithOneGetPerBlob() throws Exception {
        int expected = simulator.recordCount();
        List<String> topics = ManagementApiSimulator.ALL_CONTENT_TYPES.stream()
                .map(t -> "o365." + t.toLowerCase()).toList();
        long started = System.nanoTime();
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), environment());
             TopicReader reader = new TopicReader(broker.bootstrapServers(), topics)) {
            List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - started) / 1e9;
            records = reader.drain(Duration.ofSeconds(5));

            Map<String, TopicReader.Record> ids = new HashMap<>();
            for (TopicReader.Record r : records) {
                TopicReader.Record first = ids.putIfAbsent(r.key(), r);
                assertTrue(first == null, "record twice: " + first + " and " + r + "\n" + collector.output());
            }
            assertEquals(expected, records.size(), "records in Kafka\n" + collector.output());
            simulator.recordsByContentType().values().stream().flatMap(List::stream)
                    .forEach(json -> assertTrue(ids.containsKey(json.substring(json.indexOf("\"Id\":\"") + 6,
                            json.indexOf('"', json.indexOf("\"Id\":\"") + 6))), "served record missing"));
            simulator.blobGetCounts().forEach((id, gets) -> assertEquals(1, gets, "GETs of " + id));

            String log = collector.output();
            assertTrue(log.contains("Subscriptions:"), log);
            assertFalse(log.contains(simulator.clientSecret()), "the client secret appears in the output");
            System.out.printf("jar: %d records in %.1f s; %d API calls for %d blobs (%d listing calls, %d starts)%n",
                    records.size(), seconds, simulator.totalApiCalls(), simulator.blobGetCounts().size(),
                    simulator.listCallCount(), simulator.startCallCount());
            collector.stop();
        }
    }

    @Test
    void wrongCredentialsGiveOneClearLineWithTheAadstsCodeAndNoTightRetryLoop() throws Exception {
        Map<String, String> env = environment();
        env.put("O365_CLIENT_SECRET", "not-the-secret-" + "x".repeat(20));
        int tokenCallsBefore = simulator.tokenCallCount();
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            collector.awaitOutput("AADSTS7000215", Duration.ofSeconds(60));
            Thread.sleep(6000);
            List<String> refusals = collector.outputLines().stream().filter(l -> l.contains("AADSTS7000215")).toList();
            int tokenCalls = simulator.tokenCallCount() - tokenCallsBefore;

            assertTrue(refusals.get(0).contains("invalid_client") && refusals.get(0).contains("Invalid client secret"),
                    refusals.get(0));
            assertFalse(collector.output().contains(env.get("O365_CLIENT_SECRET")), "the secret is not logged");
            // one try per content type per poll (2 s), not a loop
            assertTrue(tokenCalls <= 5 * 6, "token requests in about 8 s: " + tokenCalls);
            assertTrue(collector.isAlive(), "it keeps trying at the poll interval");
            assertFalse(collector.output().contains("\tat "), "no stack trace:\n" + collector.output());
        }
    }
}
