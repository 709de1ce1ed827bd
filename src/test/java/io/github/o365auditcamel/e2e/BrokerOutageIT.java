package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.Test;

/**
 * The broker taken away from the packaged jar for 35 seconds, longer than the transaction timeout (15 s) and the
 * clients' request timeout (30 s): sends, commits and the fetchers' consumer group all fail, and must recover. Each
 * record is then in Kafka exactly once, as a read_committed consumer sees it. A broker of its own, since it stops it.
 */
class BrokerOutageIT {

    @Test
    void theBrokerGoneForHalfAMinuteLosesAndDuplicatesNothing() throws Exception {
        String prefix = "outage.";
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start();
                ManagementApiSimulator simulator = ManagementApiSimulator.builder().blobsPerContentType(6)
                        .recordsPerBlob(500).backlog(Duration.ofDays(2)).pageSize(4).build()) {
            simulator.start();
            Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
            env.put("O365_INSTANCE_ID", "outage-test");
            env.put("KAFKA_TRANSACTION_TIMEOUT", "15s");
            try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
                    TopicReader reader = new TopicReader(broker.bootstrapServers(),
                            CollectorProcess.recordTopics(prefix))) {
                reader.readUntil(r -> r.size() >= 3000, Duration.ofSeconds(60));
                broker.stop();
                Thread.sleep(35_000);
                broker.restart();
                assertTrue(collector.isAlive(), "the collector rides out the outage\n" + collector.output());

                ExactlyOnceCheck.Outcome outcome = ExactlyOnceCheck.awaitEveryRecord(broker,
                        CollectorProcess.recordTopics(prefix), simulator, Duration.ofSeconds(150), prefix);
                assertEquals(0, outcome.lost(), "lost records\n" + collector.output());
                assertEquals(0, outcome.duplicates(), "duplicated records\n" + collector.output());
                assertEquals(outcome.served().size(), outcome.records().size());
            }
        }
    }
}
