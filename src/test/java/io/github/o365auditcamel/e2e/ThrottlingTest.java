package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.Faults;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Throttling answered as HTTP 429 without Retry-After (so the collector's own exponential back-off applies), under a
 * client-side limit of 240 requests a minute that every route shares: every record arrives once, and the collector
 * never sends faster than its limit.
 */
class ThrottlingTest extends InProcessCollectorTestSupport {

    private static final int REQUESTS_PER_MINUTE = 240;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(6)
                .recordsPerBlob(20)
                .backlog(Duration.ofDays(2))
                .pageSize(3)
                .faults(new Faults(0.3, 429, null, 0, 0))
                .seed(429)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return "throttle.";
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.api.requests-per-minute", String.valueOf(REQUESTS_PER_MINUTE));
        props.put("o365.api.retry-delay-millis", "200");
        props.put("o365.api.max-retries", "10");
        // listing is quick now that fetching is not part of the poll: polls every 2 s would spend most of the
        // 4 requests a second on listings, and leave the fetchers waiting
        props.put("o365.poll-interval", "6s");
    }

    @Test
    void throttledCallsAreRetriedWithBackOffAndTheCollectorKeepsToItsOwnLimit() throws Exception {
        int expected = simulator.recordCount();
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(150));
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(3));

            Set<String> served = simulator.recordsByContentType().values().stream().flatMap(List::stream)
                    .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
            Set<String> keys = records.stream().map(TopicReader.Record::key).collect(Collectors.toSet());
            assertEquals(served, keys, "every record");
            assertEquals(served.size(), records.size(), "each once");
        }
        assertTrue(simulator.throttledCount() > 5, "throttled calls: " + simulator.throttledCount());

        // the limit hands out 4 requests a second: a 10-second span sees at most 11 refreshes, plus one for the time
        // a request takes to arrive
        List<Instant> times = simulator.apiRequestTimes();
        int busiest = 0;
        for (int i = 0, j = 0; j < times.size(); j++) {
            while (Duration.between(times.get(i), times.get(j)).toMillis() >= 10_000) {
                i++;
            }
            busiest = Math.max(busiest, j - i + 1);
        }
        int allowed = REQUESTS_PER_MINUTE / 6 + 2 * (REQUESTS_PER_MINUTE / 60);
        System.out.printf("throttling: %d records, %d API calls, %d throttled (429), busiest 10 s: %d calls (limit %d)%n",
                expected, times.size(), simulator.throttledCount(), busiest, allowed);
        assertTrue(busiest <= allowed, "busiest 10 s held " + busiest + " calls, more than " + allowed);
    }
}
