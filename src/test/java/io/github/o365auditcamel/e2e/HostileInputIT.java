package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.HostileReference;
import io.github.o365auditcamel.simulator.ListingTrap;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.PoisonKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One bad reference of each kind a real tenant, a broken proxy or an attacker in the middle can produce, among good
 * blobs, with the jar under {@code -Xmx256m}: every good record arrives once, each bad reference ends in one dead
 * letter with its reason code and one WARN line, nothing reaches another topic, and no blob is fetched in a loop.
 */
class HostileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "hostile.";
    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;
    /** The contentId of each bad reference, and the reason code its dead letter must carry. */
    private static final Map<String, String> EXPECTED_REASONS = new TreeMap<>();
    private static final Set<String> HOSTILE = new HashSet<>();

    @BeforeAll
    static void startServices() {
        broker = new EmbeddedKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofHours(12))
                .seed(19)
                .build();
        simulator.start();
        Instant created = Instant.now().minus(Duration.ofHours(1));
        bad(HostileReference.MISSING_CONTENT_URI, "Audit.Exchange", "invalid-reference", created);
        bad(HostileReference.REDIRECT, "Audit.SharePoint", "redirect", created);
        bad(HostileReference.HUGE_RECORD, "Audit.General", "record-too-large", created);
        bad(HostileReference.BLANK_BOMB, "Audit.AzureActiveDirectory", "malformed-content", created);
        bad(HostileReference.WRONG_CONTENT_TYPE, "Audit.Exchange", "content-type-mismatch", created);
        bad(HostileReference.BAD_CONTENT_ID, "DLP.All", "invalid-reference", created);
        EXPECTED_REASONS.put(simulator.addPoisonBlob("Audit.General", PoisonKind.TRUNCATED, created).contentId(),
                "malformed-content");
    }

    private static void bad(HostileReference kind, String contentType, String reasonCode, Instant created) {
        String contentId = simulator.addHostileReference(contentType, kind, created).contentId();
        EXPECTED_REASONS.put(contentId, reasonCode);
        HOSTILE.add(contentId);
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

    @Test
    void everyGoodRecordArrivesOnceAndEachBadReferenceIsOneDeadLetterWithItsReason() throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), PREFIX);
        env.put("O365_DEADLETTER_TOPIC", PREFIX + "deadletter");
        int port = Integer.parseInt(env.get("O365_MANAGEMENT_PORT"));
        List<String> topics = CollectorProcess.recordTopics(PREFIX);
        int expected = simulator.recordCount();
        Set<String> goodIds = new HashSet<>();
        simulator.recordsByContentType().values().forEach(records -> records.forEach(r -> goodIds.add(idOf(r))));

        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
             TopicReader records = new TopicReader(broker.bootstrapServers(), topics);
             TopicReader letters = new TopicReader(broker.bootstrapServers(), List.of(PREFIX + "deadletter"))) {
            List<TopicReader.Record> published = records.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            List<TopicReader.Record> dead = letters.readUntil(r -> r.size() >= EXPECTED_REASONS.size(),
                    Duration.ofSeconds(60));
            published = records.drain(Duration.ofSeconds(5));
            dead = letters.drain(Duration.ofSeconds(1));

            // every good record once, in the topic of the content type it was listed under; nothing else
            Set<String> seen = new HashSet<>();
            for (TopicReader.Record r : published) {
                assertTrue(seen.add(r.key()), "record twice: " + r);
                assertTrue(goodIds.contains(r.key()), "a record that should not have been published: " + r);
            }
            assertEquals(expected, published.size(), collector.output());

            // each bad reference: one dead letter, with its reason code
            Map<String, String> reasons = new TreeMap<>();
            for (TopicReader.Record letter : dead) {
                JsonNode value = JSON.readTree(letter.value());
                String contentId = value.path("contentId").asText();
                assertFalse(reasons.containsKey(contentId), "two dead letters for " + contentId + ":\n" + dead);
                reasons.put(contentId, value.path("reasonCode").asText());
                assertFalse(value.path("retryAt").isTextual(), "not fetched again: " + value);
            }
            assertEquals(EXPECTED_REASONS, reasons, "one dead letter each, with its reason code:\n" + dead);

            // no blob fetched in a loop: each bad one was asked for once at most
            for (String contentId : EXPECTED_REASONS.keySet()) {
                int gets = HOSTILE.contains(contentId) ? simulator.hostileRequestCount(contentId)
                        : simulator.blobGetCounts().getOrDefault(contentId, 0);
                assertTrue(gets <= 1, contentId + " fetched " + gets + " times");
            }
            // one WARN line each, with the reason; the log stays small, and no line is forged
            List<String> warnings = collector.outputLines().stream()
                    .filter(l -> l.contains(" WARN ") && l.contains("dead-letter topic")).toList();
            assertEquals(EXPECTED_REASONS.size(), warnings.size(), String.join("\n", warnings));
            assertFalse(collector.outputLines().stream().anyMatch(l -> l.startsWith("FAKE LOG LINE")),
                    "a contentId forged a log line");
            assertTrue(collector.outputLines().size() < 600, "log lines: " + collector.outputLines().size());
            ManagementPort management = new ManagementPort(() -> port);
            assertEquals(200, management.get("/observe/health/ready").statusCode());
            assertTrue(collector.isAlive());
            System.out.printf("hostile: %d good records once, %d dead letters %s; %d log lines%n", published.size(),
                    dead.size(), reasons.values(), collector.outputLines().size());
            collector.stop();
        }
    }

    @Test
    void aListingThatLoopsOrLeavesTheApiHostFailsItsPollsAndReadinessNamesIt() throws Exception {
        try (ManagementApiSimulator trapped = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.SharePoint", "Audit.General"))
                .blobsPerContentType(4).recordsPerBlob(10).backlog(Duration.ofHours(6)).pageSize(2).seed(23).build()) {
            trapped.start();
            trapped.listingTrap("Audit.Exchange", ListingTrap.SELF_NEXT_PAGE);
            trapped.listingTrap("Audit.SharePoint", ListingTrap.FOREIGN_NEXT_PAGE);
            Map<String, String> env = CollectorProcess.environment(trapped, broker.bootstrapServers(), "trapped.");
            env.put("O365_CONTENT_TYPES", "Audit.Exchange,Audit.SharePoint,Audit.General");
            env.put("O365_STALL_AFTER", "10s");
            int port = Integer.parseInt(env.get("O365_MANAGEMENT_PORT"));
            ManagementPort management = new ManagementPort(() -> port);
            int general = trapped.recordsByContentType().get("Audit.General").size();

            try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
                 TopicReader reader = new TopicReader(broker.bootstrapServers(), List.of("trapped.audit.general"))) {
                // the content type that is not trapped is collected whole
                assertEquals(general, reader.readUntil(r -> r.size() >= general, Duration.ofSeconds(60)).size());
                String ready = management.await("/observe/health/ready?data=true",
                        r -> r.statusCode() == 503 && r.body().contains("Audit.Exchange")
                                && r.body().contains("Audit.SharePoint"), Duration.ofSeconds(60)).body();

                JsonNode contentTypes = ManagementPort.check(JSON.readTree(ready), "content-types").get("data");
                assertTrue(contentTypes.path("Audit.Exchange").asText().contains("a page already listed"), ready);
                assertTrue(contentTypes.path("Audit.SharePoint").asText()
                        .contains("refusing to send the API token to https://evil.example.com"), ready);
                assertFalse(contentTypes.has("Audit.General"), "the collected content type is not named: " + ready);
                // the loop is cut at the first repeat: a few listing calls per poll, not thousands
                assertTrue(trapped.listCallCount() < 200, "listing calls: " + trapped.listCallCount());
                assertTrue(collector.isAlive());
            }
        }
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        List<String> list = new ArrayList<>(values);
        list.sort(null);
        return list;
    }

    private static String idOf(String json) {
        int at = json.indexOf("\"Id\":\"") + 6;
        return json.substring(at, json.indexOf('"', at));
    }
}
