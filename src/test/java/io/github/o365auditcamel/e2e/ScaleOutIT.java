package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.BlobFailure;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.testing.LocalMachine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Scale-out, proven on the packaged jar: three collectors in separate JVMs share one tenant, one broker and one cluster
 * directory. One of them lists (the leader), all of them fetch. The leader is killed (SIGKILL) mid-run: another one
 * takes over the listing, and still each record is in Kafka exactly once, as a read_committed consumer sees it, and
 * the records were published by more than one instance.
 */
class ScaleOutIT {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    private static final String LEADER_LINE = "now lists the content";
    private static final String INSTANCE_HEADER = "o365.instanceId";

    private static EmbeddedKafkaBroker broker;

    private ManagementApiSimulator simulator;
    private String prefix;
    private Path clusterDirectory;
    private final Map<String, CollectorProcess> collectors = new TreeMap<>();

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private void startSimulator(TestInfo test, int blobs, int records, Duration perBlobDelay) {
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(blobs)
                .recordsPerBlob(records)
                .backlog(Duration.ofDays(2))
                .pageSize(4)
                .seed(test.getDisplayName().hashCode())
                .slowResponseDelay(perBlobDelay)
                .build();
        simulator.start();
        // every blob download answers only after perBlobDelay, so that fetching lasts long enough to kill mid-run
        for (ManagementApiSimulator.Blob blob : simulator.blobs()) {
            simulator.failBlob(blob.contentId(), BlobFailure.SLOW_RESPONSE, Integer.MAX_VALUE);
        }
        // each test has topics of its own on the shared broker
        prefix = "s" + Integer.toHexString(test.getDisplayName().hashCode() & 0xffffff) + ".";
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (CollectorProcess c : collectors.values()) {
            c.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (clusterDirectory != null) {
            LocalMachine.deleteQuietly(clusterDirectory.toFile());
        }
    }

    private CollectorProcess startCollector(String instanceId) throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.put("O365_INSTANCE_ID", instanceId);
        env.put("O365_CLUSTER", "file");
        env.put("O365_CLUSTER_DIRECTORY", clusterDirectory.toString());
        env.put("O365_FETCH_CONCURRENCY", "2");
        env.put("KAFKA_TRANSACTION_TIMEOUT", "15s");
        CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
        collectors.put(instanceId, collector);
        return collector;
    }

    private List<String> topics() {
        return CollectorProcess.recordTopics(prefix);
    }

    private TopicReader committedReader() {
        return new TopicReader(broker.bootstrapServers(), topics());
    }

    /** The output of every collector, for failure messages. */
    private String outputs() {
        StringBuilder all = new StringBuilder();
        collectors.forEach((id, c) -> all.append("\n===== ").append(id).append(c.isAlive() ? "" : " (dead)")
                .append(" =====\n").append(c.output()));
        return all.toString();
    }

    private static long leaderLines(CollectorProcess collector) {
        return collector.outputLines().stream().filter(l -> l.contains(LEADER_LINE)).count();
    }

    /** Waits until an instance of {@code before} logs that it lists the content more often than counted there. */
    private String awaitLeader(Map<String, Long> before, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean anyAlive = false;
            for (Map.Entry<String, Long> candidate : before.entrySet()) {
                CollectorProcess c = collectors.get(candidate.getKey());
                if (c.isAlive() && leaderLines(c) > candidate.getValue()) {
                    return candidate.getKey();
                }
                anyAlive |= c.isAlive();
            }
            if (!anyAlive) {
                throw new IllegalStateException("every one of " + before.keySet() + " has ended" + outputs());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no instance of " + before.keySet() + " logged '" + LEADER_LINE + "' within "
                + timeout + outputs());
    }

    /**
     * Waits until every served record is in Kafka, checks each is there exactly once and that more than one instance
     * published them; prints the summary.
     */
    private void assertEveryRecordExactlyOnceAndSpread(long startNanos) throws Exception {
        ExactlyOnceCheck.Outcome outcome = ExactlyOnceCheck.awaitEveryRecord(broker, topics(), simulator,
                DRAIN_TIMEOUT, prefix);
        Map<String, Long> perInstance = outcome.records().stream().collect(Collectors.groupingBy(
                r -> r.headers().getOrDefault(INSTANCE_HEADER, "(none)"), TreeMap::new, Collectors.counting()));
        System.out.printf("%s: records per instance %s; all in Kafka %.1f s after the start%n",
                prefix, perInstance, (outcome.allArrivedNanos() - startNanos) / 1e9);
        if (outcome.lost() > 0) {
            System.out.println(outputs());
        }
        assertEquals(0, outcome.lost(), "lost records");
        assertEquals(0, outcome.duplicates(), "duplicated records" + outputs());
        assertEquals(outcome.served().size(), outcome.records().size());
        assertTrue(perInstance.keySet().stream().filter(id -> !"(none)".equals(id)).count() >= 2,
                "records published by fewer than two instances: " + perInstance + outputs());
    }

    @Test
    void threeCollectorsTheLeaderKilledMidRunEveryRecordOnceAndTheWorkSpread(TestInfo test) throws Exception {
        // 5 content types x 30 blobs x 200 records = 30,000 records; each blob download takes at least 300 ms
        startSimulator(test, 30, 200, Duration.ofMillis(300));
        int expected = simulator.recordCount();
        clusterDirectory = Files.createTempDirectory("collector-cluster");
        long start = System.nanoTime();
        for (String id : List.of("collector-1", "collector-2", "collector-3")) {
            startCollector(id);
        }
        Map<String, Long> none = new TreeMap<>();
        collectors.keySet().forEach(id -> none.put(id, 0L));
        String leader = awaitLeader(none, Duration.ofSeconds(60));

        // some of the work done, most of it still ahead: the leader dies without a chance to clean up
        int someRecords = expected / 5;
        int seenAtKill;
        try (TopicReader reader = committedReader()) {
            seenAtKill = reader.readUntil(r -> r.size() >= someRecords, Duration.ofSeconds(60)).size();
        }
        assertTrue(seenAtKill >= someRecords, "only " + seenAtKill + " of " + expected + " records" + outputs());
        CollectorProcess killed = collectors.get(leader);
        Map<String, Long> survivors = new TreeMap<>();
        collectors.forEach((id, c) -> {
            if (!id.equals(leader)) {
                survivors.put(id, leaderLines(c));
            }
        });
        killed.kill();
        double killedAt = (System.nanoTime() - start) / 1e9;
        assertFalse(killed.isAlive(), leader + " survived SIGKILL");
        assertTrue(seenAtKill < expected, "every record was in Kafka before the kill: nothing was killed mid-run");
        System.out.printf("%s: leader %s killed %.1f s after the start, %d of %d records in Kafka then%n",
                prefix, leader, killedAt, seenAtKill, expected);

        // the lock of the dead leader is free: one of the others takes over the listing
        String newLeader = awaitLeader(survivors, Duration.ofSeconds(60));
        System.out.printf("%s: %s lists the content %.1f s after the start%n",
                prefix, newLeader, (System.nanoTime() - start) / 1e9);

        assertEveryRecordExactlyOnceAndSpread(start);
        survivors.keySet().forEach(id -> assertTrue(collectors.get(id).isAlive(), id + " died" + outputs()));
    }
}
