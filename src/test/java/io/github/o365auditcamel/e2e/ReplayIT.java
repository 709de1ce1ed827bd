package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.Test;

/**
 * Replay on demand, with the packaged jar: {@code --replay} (what {@code bin/replay} runs) asks the running collector
 * for the Exchange records created over ten days, four of them older than the Management API keeps. The collector
 * publishes each of them once to the topic the operator named, marked with the replay's id, the old ones through
 * Microsoft Graph and the others through the Management API, and goes on collecting meanwhile. A second replay,
 * cancelled at once, says so and stops.
 */
class ReplayIT extends SimulatorAndJar {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("replay (r-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}) asked for");


    @Test
    void aRangeIsReplayedOnceToTheNamedTopicWhileCollectionGoesOn() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(1)
                .recordsPerBlob(4)
                .backlog(Duration.ofHours(1))
                .graphQueryPollsUntilDone(1)
                .build();
        simulator.start();
        for (int daysAgo : List.of(10, 9, 3, 2)) {
            simulator.addBlobs("Audit.Exchange", 2, 6, now.minus(Duration.ofDays(daysAgo)));
            simulator.addBlobs("Audit.General", 1, 6, now.minus(Duration.ofDays(daysAgo)));
        }
        String prefix = "replay.";
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.put("O365_INSTANCE_ID", prefix + "instance");
        env.put("O365_CONTENT_TYPES", "Audit.Exchange,Audit.General");
        env.put("O365_GAP_REPAIR", "graph");
        env.put("O365_GRAPH_URL", simulator.baseUrl());
        CollectorProcess collector = start(env);
        collector.awaitOutput("Audit.Exchange:", Duration.ofSeconds(90));

        Instant from = now.minus(Duration.ofDays(11));
        Instant to = now.minus(Duration.ofDays(1));
        String topic = prefix + "incident-42";
        String id = replay(env, "--content-types", "Audit.Exchange", "--from", from.toString(), "--to", to.toString(),
                "--topic", topic);
        // collection goes on meanwhile: a blob made available now is collected, and is not part of the replay
        List<ManagementApiSimulator.Blob> fresh = simulator.addBlobs("Audit.Exchange", 1, 3, null);

        Set<String> expected = new TreeSet<>();
        for (String record : simulator.recordsByContentType().get("Audit.Exchange")) {
            JsonNode fields = JSON.readTree(record);
            Instant created = Instant.parse(fields.get("CreationTime").asText() + "Z");
            if (!created.isBefore(from) && created.isBefore(to)) {
                expected.add(fields.get("Id").asText());
            }
        }
        List<TopicReader.Record> replayed;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), List.of(topic))) {
            reader.readUntil(r -> r.size() >= expected.size(), Duration.ofSeconds(120));
            replayed = reader.drain(Duration.ofSeconds(3));
        }
        assertEquals(expected, replayed.stream().map(TopicReader.Record::key).collect(Collectors.toCollection(
                TreeSet::new)), collector.output());
        assertEquals(expected.size(), replayed.size(), "each record once\n" + collector.output());
        assertTrue(replayed.stream().allMatch(r -> id.equals(r.headers().get("o365.replay"))));
        assertTrue(replayed.stream().anyMatch(r -> "graph".equals(r.headers().get("o365.source"))), "the old part");
        assertTrue(replayed.stream().anyMatch(r -> "management-api".equals(r.headers().get("o365.source"))));
        collector.awaitOutput("replay " + id + ": done", Duration.ofSeconds(60));
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), List.of(prefix + "audit.exchange"))) {
            Set<String> freshIds = new TreeSet<>();
            for (String record : simulator.records(fresh.get(0).contentId())) {
                freshIds.add(JSON.readTree(record).get("Id").asText());
            }
            reader.readUntil(r -> r.stream().map(TopicReader.Record::key).collect(Collectors.toSet())
                    .containsAll(freshIds), Duration.ofSeconds(60));
        }

        // a replay cancelled at once stops, and says so
        String cancelled = replay(env, "--from", now.minus(Duration.ofDays(5)).toString(), "--topic", topic + ".b");
        CollectorProcess cancel = start(env, "--replay", "--cancel", cancelled);
        assertEquals(0, cancel.waitForExit(Duration.ofSeconds(60)), cancel.output());
        collector.awaitOutput("replay " + cancelled + ": cancelled", Duration.ofSeconds(60));
        assertTrue(collector.isAlive(), collector.output());
    }

    /** Runs {@code --replay} with the collector's settings; returns the id it printed. */
    private String replay(Map<String, String> env, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("--replay"));
        command.addAll(List.of(arguments));
        CollectorProcess replay = start(env, command.toArray(String[]::new));
        assertEquals(0, replay.waitForExit(Duration.ofSeconds(60)), replay.output());
        Matcher matcher = ID.matcher(replay.output());
        assertTrue(matcher.find(), replay.output());
        return matcher.group(1);
    }
}
