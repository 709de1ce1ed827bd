package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.PoisonKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad blobs never stop the flow: poison content and a contentUri on another host go to the dead-letter topic with
 * the reason (and the token never goes to that host), an expired blob is skipped, and every good record still
 * arrives exactly once.
 */
class BadContentTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "bad.";
    private static final String DEAD_LETTERS = PREFIX + "deadletter";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpServer foreignHost;
    private static final AtomicInteger foreignRequests = new AtomicInteger();
    private static final Map<String, String> expectedReasons = new HashMap<>();
    private static String expiredBlob;

    @BeforeAll
    static void startServices() throws Exception {
        broker = EmbeddedKafkaBroker.shared();
        foreignHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        foreignHost.createContext("/", exchange -> {
            foreignRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        foreignHost.start();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(3)
                .recordsPerBlob(30)
                .backlog(Duration.ofDays(2))
                .pageSize(10)
                .seed(11)
                .build();
        simulator.start();
        Instant earlier = Instant.now().minus(Duration.ofHours(3));
        expectedReasons.put(simulator.addPoisonBlob("Audit.Exchange", PoisonKind.NOT_AN_ARRAY, earlier)
                .contentId(), "not a JSON array");
        expectedReasons.put(simulator.addPoisonBlob("Audit.SharePoint", PoisonKind.TRUNCATED, earlier)
                .contentId(), "not valid JSON after 10 records");
        expectedReasons.put(simulator.addPoisonBlob("Audit.General", PoisonKind.RECORD_WITHOUT_ID, earlier)
                .contentId(), "record 7 of the blob has no Id");
        expectedReasons.put(simulator.addPoisonBlob("DLP.All", PoisonKind.NOT_JSON, earlier)
                .contentId(), "not valid JSON after 0 records");
        String foreignBase = "http://127.0.0.1:" + foreignHost.getAddress().getPort();
        expectedReasons.put(simulator.addForeignBlob("Audit.AzureActiveDirectory", foreignBase, earlier)
                .contentId(), "refusing to send the API token to http://127.0.0.1:" + foreignHost.getAddress().getPort());
        expiredBlob = simulator.blobs().stream().filter(b -> b.contentType().equals("Audit.Exchange"))
                .filter(b -> !expectedReasons.containsKey(b.contentId())).findFirst().orElseThrow().contentId();
        simulator.expireBlob(expiredBlob);
    }

    @AfterAll
    static void stopForeignHost() {
        if (foreignHost != null) {
            foreignHost.stop(0);
        }
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Test
    void badBlobsGoToTheDeadLetterTopicWithTheirReasonAndEveryGoodRecordArrivesOnce() throws Exception {
        List<String> topics = recordTopics();
        int expected = simulator.recordCount();
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), topics);
             TopicReader letters = new TopicReader(broker.bootstrapServers(), List.of(DEAD_LETTERS))) {
            List<TopicReader.Record> dead = letters.readUntil(r -> r.size() >= 5, Duration.ofSeconds(60));
            List<TopicReader.Record> good = records.readUntil(r -> r.size() >= expected, Duration.ofSeconds(60));

            // each bad blob once in the dead-letter topic, with its reason in the value and the headers
            assertEquals(expectedReasons.keySet(), dead.stream().map(TopicReader.Record::key).collect(Collectors.toSet()));
            for (TopicReader.Record letter : dead) {
                JsonNode value = JSON.readTree(letter.value());
                String reason = value.get("reason").asText();
                assertTrue(reason.contains(expectedReasons.get(letter.key())), letter.key() + ": " + reason);
                assertEquals(reason, letter.headers().get("o365.reason"));
                assertEquals(letter.key(), letter.headers().get("o365.contentId"));
                assertEquals(value.get("contentType").asText(), letter.headers().get("o365.contentType"));
                assertTrue(value.get("contentUri").asText().contains(letter.key()));
                // poison is not retried: the same bytes would fail the same way
                assertTrue(value.get("retryAt").isNull(), letter.key() + " should not be retried");
                assertEquals(1, value.get("deadLetterCount").asInt());
            }
            assertEquals(0, foreignRequests.get(), "nothing, and so no token, went to the foreign host");

            // the flow goes on: blobs made available later are collected, the bad ones are not fetched again
            simulator.addBlobs("Audit.Exchange", 1, 20, Instant.now());
            int grown = simulator.recordCount();
            good = records.readUntil(r -> r.size() >= grown, Duration.ofSeconds(30));
            good = records.drain(Duration.ofSeconds(5));
            dead = letters.drain(Duration.ofSeconds(1));

            Set<String> served = simulator.recordsByContentType().values().stream().flatMap(List::stream)
                    .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
            assertEquals(served.size(), good.size(), "every good record once, no record of a bad blob");
            assertEquals(served, good.stream().map(TopicReader.Record::key).collect(Collectors.toSet()));
            assertEquals(5, dead.size(), "each bad blob dead-lettered once");
        }
        Map<String, Integer> gets = simulator.blobGetCounts();
        for (String poison : expectedReasons.keySet()) {
            assertTrue(gets.getOrDefault(poison, 0) <= 1, "poison blob fetched again: " + poison);
        }
        assertFalse(expectedReasons.containsKey(expiredBlob));
    }

}
