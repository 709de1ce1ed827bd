package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.RequestKind;
import io.github.o365auditcamel.simulator.Stall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The delivery guarantees, proven on the packaged jar: SIGKILL at chosen points, a restart in a fresh working
 * directory (all state comes from Kafka), a restart after completion. In every case each record is in Kafka exactly
 * once, as a read_committed consumer sees it. The tests run two at a time, each with topics of its own on the JVM's
 * broker; {@code BrokerOutageIT} takes a broker of its own away.
 */
@Execution(ExecutionMode.CONCURRENT)
class DeliveryGuaranteesIT {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(150);

    private static EmbeddedKafkaBroker broker;

    private ManagementApiSimulator simulator;
    private String prefix;
    private final java.util.List<CollectorProcess> collectors = new java.util.ArrayList<>();

    @BeforeAll
    static void useTheSharedBroker() {
        broker = EmbeddedKafkaBroker.shared();
    }

    private void startSimulator(TestInfo test, int blobs, int records) {
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(blobs)
                .recordsPerBlob(records)
                .backlog(Duration.ofDays(2))
                .pageSize(4)
                .seed(test.getDisplayName().hashCode())
                .build();
        simulator.start();
        // each test has topics of its own on the shared broker
        prefix = "g" + Integer.toHexString(test.getDisplayName().hashCode() & 0xffffff) + ".";
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (CollectorProcess c : collectors) {
            c.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private CollectorProcess startCollector(String instanceId) throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.put("O365_INSTANCE_ID", instanceId);
        env.put("KAFKA_TRANSACTION_TIMEOUT", "15s");
        CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
        collectors.add(collector);
        return collector;
    }

    private List<String> topics() {
        return CollectorProcess.recordTopics(prefix);
    }

    private TopicReader committedReader() {
        return new TopicReader(broker.bootstrapServers(), topics());
    }

    /** Waits until every served record is in Kafka, then checks each is there exactly once. */
    private void assertEveryRecordExactlyOnce(CollectorProcess collector) throws Exception {
        ExactlyOnceCheck.Outcome outcome = ExactlyOnceCheck.awaitEveryRecord(broker, topics(), simulator,
                DRAIN_TIMEOUT, prefix);
        if (outcome.lost() > 0) {
            System.out.println(collector.output());
        }
        assertEquals(0, outcome.lost(), "lost records");
        assertEquals(0, outcome.duplicates(), "duplicated records\n" + collector.output());
        assertEquals(outcome.served().size(), outcome.records().size());
    }

    private static long ofBlob(List<TopicReader.Record> records, String contentId) {
        return records.stream().filter(r -> contentId.equals(r.headers().get("o365.contentId"))).count();
    }

    @Test
    void killedMidBlobAndRestartedElsewhereEveryRecordArrivesOnce(TestInfo test) throws Exception {
        startSimulator(test, 4, 1500);
        // the first blob stops after ~600 KB, so part of it is sent inside the open transaction
        Stall stall = simulator.stallNext(RequestKind.BLOB, 600_000);
        CollectorProcess first = startCollector("crash-test");
        assertTrue(stall.awaitStalled(Duration.ofSeconds(60)), "no blob request\n" + first.output());
        String heldBlob = stall.contentId();
        try (TopicReader uncommitted = new TopicReader(broker.bootstrapServers(), topics(), false)) {
            // the held blob's records read so far reach the broker, in a transaction that is still open
            List<TopicReader.Record> seen = uncommitted.readUntil(
                    r -> ofBlob(r, heldBlob) >= 100, Duration.ofSeconds(30));
            assertTrue(ofBlob(seen, heldBlob) >= 100, "records of the open transaction reached the broker: "
                    + ofBlob(seen, heldBlob) + " of " + heldBlob + ", " + seen.size() + " in all\n" + first.output());
        }
        first.kill();
        stall.release();

        // a fresh working directory and another instance id, as a rescheduled pod: the open transaction is
        // aborted by the broker's timeout, and the blob is fetched again
        CollectorProcess second = startCollector("crash-test-rescheduled");
        assertEveryRecordExactlyOnce(second);
    }

    @Test
    void killedBetweenBlobsAndRestartedEveryRecordArrivesOnce(TestInfo test) throws Exception {
        startSimulator(test, 6, 500);
        CollectorProcess first = startCollector("crash-test");
        try (TopicReader reader = committedReader()) {
            reader.readUntil(r -> r.size() >= 2000, Duration.ofSeconds(60));
        }
        // hold the next blob before a single byte of it is sent: everything before it is committed
        Stall stall = simulator.stallNext(RequestKind.BLOB, 0);
        assertTrue(stall.awaitStalled(Duration.ofSeconds(60)), "no further blob request\n" + first.output());
        first.kill();
        stall.release();

        CollectorProcess second = startCollector("crash-test");
        assertEveryRecordExactlyOnce(second);
    }

    @Test
    void killedMidListingAndRestartedEveryRecordArrivesOnceAndARestartAfterCompletionFetchesNoBlobAgain(TestInfo test)
            throws Exception {
        startSimulator(test, 6, 300);
        Stall stall = simulator.stallNext(RequestKind.LISTING, 0);
        CollectorProcess first = startCollector("crash-test");
        assertTrue(stall.awaitStalled(Duration.ofSeconds(60)), "no listing request\n" + first.output());
        // other content types go on meanwhile; then the process dies in the middle of it all
        Thread.sleep(1500);
        first.kill();
        stall.release();

        CollectorProcess second = startCollector("crash-test");
        assertEveryRecordExactlyOnce(second);

        // everything is in Kafka: stopped and started again, the collector lists again and fetches nothing
        second.stop();
        int getsBefore = simulator.blobGetCounts().values().stream().mapToInt(Integer::intValue).sum();
        CollectorProcess third = startCollector("crash-test");
        third.awaitOutput("Subscriptions:", Duration.ofSeconds(60));
        // three poll cycles of every content type after the restart
        for (String type : ManagementApiSimulator.ALL_CONTENT_TYPES) {
            awaitPolls(third, type, 3);
        }
        int getsAfter = simulator.blobGetCounts().values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("restart after completion: %d blobs, %d GETs before, %d GETs after the restart%n",
                simulator.blobs().size(), getsBefore, getsAfter);
        assertEquals(getsBefore, getsAfter, "blob re-fetched after the restart\n" + third.output());
        assertEveryRecordExactlyOnce(third);
    }

    private static void awaitPolls(CollectorProcess collector, String contentType, int polls) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (collector.outputLines().stream().filter(l -> l.contains("[progress") && l.contains(contentType + ":"))
                .count() < polls) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fewer than " + polls + " polls of " + contentType + "\n"
                        + collector.output());
            }
            Thread.sleep(200);
        }
    }
}
