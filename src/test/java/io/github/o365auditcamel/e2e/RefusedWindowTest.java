package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service refuses a window by its rules (AF20055) when, by its clock, the window starts more than 7 days back.
 * Here its clock runs 30 minutes ahead of this machine's, so the collector's first window of the 7-day look-back (10
 * minutes inside the retention by its own clock) is refused. The collector lists that window again from an hour inside
 * the retention and goes on: every record arrives. Without that, the first window would be refused at every poll, the
 * cursor would never move, and nothing would arrive.
 */
class RefusedWindowTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "refused-window.";

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.SharePoint"))
                .blobsPerContentType(6)
                .recordsPerBlob(10)
                .backlog(Duration.ofDays(3))
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(30)))
                // the service's 7 days, to the minute: no grace beyond them
                .retentionGrace(Duration.ZERO)
                .seed(20055)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.content-types", "Audit.SharePoint");
        props.put("o365.initial-lookback", "7d");
    }

    @Test
    void aWindowTheServiceRefusesIsListedAgainFromInsideTheRetention() throws Exception {
        // the blobs made available before this machine's now: those of the service's last 30 minutes are listed once
        // this clock gets there too
        Instant now = Instant.now();
        Set<String> all = simulator.blobs().stream().filter(b -> b.contentCreated().isBefore(now))
                .flatMap(b -> simulator.records(b.contentId()).stream()).map(InProcessCollectorTestSupport::idOf)
                .collect(Collectors.toSet());
        assertTrue(all.size() >= 30, "a backlog to list: " + all.size());
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            records.readUntil(r -> r.size() >= all.size(), Duration.ofSeconds(60));
            List<String> keys = records.drain(Duration.ofSeconds(2)).stream().map(TopicReader.Record::key).toList();
            assertEquals(all, Set.copyOf(keys), "every record");
            assertEquals(all.size(), keys.size(), "no record twice");
        }
    }
}
