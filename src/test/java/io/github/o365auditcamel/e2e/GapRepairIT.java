package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A 20-day stop, repaired through Microsoft Graph by the packaged jar with {@code O365_GAP_REPAIR=graph}. The state
 * and record topics are those a collector left when it stopped 20 days ago: its checkpoints, and the records of every
 * blob made available before then, published at the time. The simulator has 21 days of content; its Management API
 * lists only the last 7, and its Graph audit log queries search them all, with a record limit that makes the
 * collector split its queries. The collector is killed in the middle of the repair and started again. Every record
 * ends in Kafka exactly once: those of the gap's first day that were published before the stop are not published
 * again, nor those the first run repaired.
 */
class GapRepairIT extends SimulatorAndJar {

    private static final Duration STOP = Duration.ofDays(20);
    private static final List<String> TYPES = List.of("Audit.Exchange", "Audit.General");
    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void aTwentyDayStopIsRepairedThroughGraphWithEveryRecordOnce() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        simulator = ManagementApiSimulator.builder()
                .contentTypes(TYPES)
                .blobsPerContentType(1)
                .recordsPerBlob(4)
                .backlog(Duration.ofHours(1))
                .graphRecordCountLimit(15)
                .graphPageSize(7)
                .graphQueryPollsUntilDone(1)
                .build();
        simulator.start();
        // two blobs a day of each type over 21 days (12 records a day: a day's query stays under the limit of 15),
        // and one busy day in the gap that a day's query cannot return whole
        for (Instant at = now.minus(Duration.ofDays(21)); at.isBefore(now.minus(Duration.ofHours(2)));
                at = at.plus(Duration.ofHours(12))) {
            for (String type : TYPES) {
                simulator.addBlobs(type, 1, 6, at);
            }
        }
        for (String type : TYPES) {
            simulator.addBlobs(type, 4, 6, now.minus(Duration.ofDays(15)));
        }
        // a blob the Management API still lists, whose records (created up to 2 h before it) partly lie in the gap:
        // those are Graph's to publish, and the blob leaves them out
        for (String type : TYPES) {
            simulator.addBlobs(type, 1, 12, now.minus(Duration.ofDays(7)).plus(Duration.ofMinutes(30)));
        }
        String prefix = "gaprepair.";
        Instant checkpoint = now.minus(STOP);
        Set<String> publishedBeforeTheStop = leaveWhatACollectorStoppedTwentyDaysAgoLeft(prefix, checkpoint);

        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.put("O365_INSTANCE_ID", prefix + "instance");
        env.put("O365_CONTENT_TYPES", String.join(",", TYPES));
        env.put("O365_GAP_REPAIR", "graph");
        env.put("O365_GRAPH_URL", simulator.baseUrl());
        env.put("O365_GAP_REPAIR_QUERY_LIMIT", "15");
        // killed in the middle of the repair, and started again: the repair goes on from its last stretch
        CollectorProcess first = start(env);
        first.awaitOutput("records in all", Duration.ofSeconds(90));
        first.kill();
        List<String> firstRun = first.outputLines();
        CollectorProcess collector = start(env);

        List<String> topics = TYPES.stream().map(t -> prefix + t.toLowerCase(java.util.Locale.ROOT)).toList();
        ExactlyOnceCheck.Outcome outcome = ExactlyOnceCheck.awaitEveryRecord(broker, topics, simulator,
                Duration.ofSeconds(150), prefix);
        assertEquals(0, outcome.lost(), "lost records\n" + collector.output());
        assertEquals(0, outcome.duplicates(), "duplicated records\n" + collector.output());
        for (String type : TYPES) {
            collector.awaitOutput(type + ": the gap ", Duration.ofSeconds(30));
        }
        assertTrue(collector.output().contains("is repaired"), collector.output());

        // the gap's records came from Graph, marked so; the others from blobs or from before the stop
        Map<String, String> sourceById = outcome.records().stream().collect(Collectors.toMap(
                TopicReader.Record::key, r -> r.headers().getOrDefault("o365.source", "blob")));
        long fromGraph = sourceById.values().stream().filter("graph"::equals).count();
        Instant oldestListed = now.minus(Duration.ofDays(7));
        for (ManagementApiSimulator.Blob blob : simulator.blobs()) {
            if (!blob.contentCreated().isBefore(checkpoint)
                    && blob.contentCreated().isBefore(oldestListed.minus(Duration.ofHours(1)))) {
                for (String record : simulator.records(blob.contentId())) {
                    String id = JSON.readTree(record).get("Id").asText();
                    assertEquals("graph", sourceById.get(id), "record " + id + " of a blob of " + blob.contentCreated()
                            + ", in the gap");
                }
            }
        }
        for (String id : publishedBeforeTheStop) {
            assertEquals("before-the-stop", sourceById.get(id), "record " + id + " was published again");
        }
        // queries over more records than the limit were split
        assertTrue(collector.output().contains("asking for"), collector.output());

        // each way a record could have come twice was met: records of the gap's first day published before the stop
        // were found in Kafka, and the blob still listed left its records in the gap to Graph
        List<String> lines = new java.util.ArrayList<>(firstRun);
        lines.addAll(collector.outputLines());
        assertTrue(lines.stream().anyMatch(l -> l.matches(".*published \\([1-9][0-9]* already in Kafka\\).*")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("records were created in a gap repaired through")),
                String.join("\n", lines));
        // the log's count of records published through Graph, over both runs, is what Kafka holds from Graph
        long logged = lines.stream().map(java.util.regex.Pattern.compile(": (\\d+) records created from ")::matcher)
                .filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).sum();
        assertEquals(fromGraph, logged);
        assertTrue(collector.isAlive(), collector.output());
    }

    /**
     * The topics as a collector stopped at {@code checkpoint} left them: its checkpoints, and every record of the
     * blobs made available before it, published then (Kafka timestamp, tenant and CreationTime headers). Returns their
     * ids.
     */
    private Set<String> leaveWhatACollectorStoppedTwentyDaysAgoLeft(String prefix, Instant checkpoint)
            throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin topics = Admin.create(admin)) {
            List<NewTopic> wanted = new java.util.ArrayList<>();
            wanted.add(new NewTopic(prefix + "state", 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            for (String type : TYPES) {
                // records of 20 days ago stay: a retention by time would delete them at once
                wanted.add(new NewTopic(prefix + type.toLowerCase(java.util.Locale.ROOT), 2, (short) 1)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
            }
            topics.createTopics(wanted).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        Set<String> ids = new java.util.HashSet<>();
        Instant lastPublished = Instant.EPOCH;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (ManagementApiSimulator.Blob blob : simulator.blobs()) {
                if (!blob.contentCreated().isBefore(checkpoint)) {
                    continue;
                }
                Instant publishedAt = blob.contentCreated().plus(Duration.ofMinutes(2));
                lastPublished = publishedAt.isAfter(lastPublished) ? publishedAt : lastPublished;
                for (String record : simulator.records(blob.contentId())) {
                    JsonNode fields = JSON.readTree(record);
                    String id = fields.get("Id").asText();
                    ids.add(id);
                    ProducerRecord<String, String> sent = new ProducerRecord<>(
                            prefix + blob.contentType().toLowerCase(java.util.Locale.ROOT), null,
                            publishedAt.toEpochMilli(), id, record);
                    sent.headers().add(header("o365.tenantId", simulator.tenantId()))
                            .add(header("o365.creationTime", fields.get("CreationTime").asText()))
                            .add(header("o365.source", "before-the-stop"));
                    producer.send(sent);
                }
            }
            for (String type : TYPES) {
                producer.send(new ProducerRecord<>(prefix + "state", null, lastPublished.toEpochMilli(),
                        "cursor|" + simulator.tenantId() + "|" + type, checkpoint.toString()));
            }
            producer.flush();
        }
        return ids;
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
