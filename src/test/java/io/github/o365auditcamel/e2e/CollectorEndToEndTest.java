package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real application.properties and YAML routes against the simulator and a real Kafka broker: blobs of all five
 * content types spread over several 24-hour windows and several listing pages, listings unordered and repeating.
 */
class CollectorEndToEndTest extends InProcessCollectorTestSupport {

    private static final String TOPIC_PREFIX = "e2e.";
    private static final List<String> CONTENT_TYPES = List.of(
            "Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General", "DLP.All");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(12)
                .recordsPerBlob(40)
                .backlog(Duration.ofDays(4))
                .pageSize(5)
                .shuffleListings(true)
                .repeatBlobsInListing(true)
                .duplicateRecordShare(0.05)
                .seed(42)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return TOPIC_PREFIX;
    }

    @Test
    void everyRecordLandsOnceInItsTopicAndBlobsAppearingLaterAreCollectedByTheNextPoll() throws Exception {
        Map<String, String> topicByContentType = CONTENT_TYPES.stream()
                .collect(Collectors.toMap(t -> t, t -> TOPIC_PREFIX + t.toLowerCase()));
        Map<String, List<String>> served = simulator.recordsByContentType();
        int expected = simulator.recordCount();
        assertTrue(simulator.servedCopyCount() > 50, "the service serves some records twice");
        assertEquals(5 * 12 * 40 - simulator.servedCopyCount(), expected);

        long tokensBefore;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topicByContentType.values())) {
            List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90));
            assertEquals(expected, records.size(), "records in Kafka after the backlog");
            assertExactlyTheServedRecords(served, topicByContentType, records);

            // the API refuses the token it issued: the collector gets a new one and goes on
            tokensBefore = simulator.tokenCallCount();
            simulator.revokeTokens();
            // someone removed one subscription and an admin disabled another: the collector starts them again
            simulator.removeSubscription("Audit.Exchange");
            simulator.disableSubscription("DLP.All");
            // blobs that become available while the collector runs are collected by the next poll
            simulator.addBlobs("Audit.Exchange", 2, 30, Instant.now());
            simulator.addBlobs("DLP.All", 1, 25, Instant.now());
            int grown = simulator.recordCount();
            assertTrue(grown > expected + 70, "new records: " + (grown - expected));
            records = reader.readUntil(r -> r.size() >= grown, Duration.ofSeconds(60));
            // and nothing more arrives: no duplicates from overlapping windows or repeated listings
            records = reader.drain(Duration.ofSeconds(5));
            assertExactlyTheServedRecords(simulator.recordsByContentType(), topicByContentType, records);
        }

        assertTrue(simulator.tokenCallCount() > tokensBefore, "a new token after the 401");
        assertTrue(simulator.enabledSubscriptions().containsAll(List.of("Audit.Exchange", "DLP.All")),
                "subscriptions started again: " + simulator.enabledSubscriptions());
        Map<String, Integer> gets = simulator.blobGetCounts();
        assertEquals(5 * 12 + 3, gets.size(), "every blob fetched");
        // once each; a second time only for a blob that shared records with another one published at the same
        // moment (the service's duplicates), whose transaction was aborted so as not to publish them twice
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        double refetched = meters.find("o365.blobs.refetched").counters().stream().mapToDouble(Counter::count).sum();
        long fetchedTwice = gets.values().stream().filter(n -> n == 2).count();
        gets.forEach((contentId, count) -> assertTrue(count == 1 || count == 2, "GETs of blob " + contentId));
        assertEquals(refetched, fetchedTwice, "blobs fetched twice: " + gets);
        assertEquals(gets.values().stream().mapToInt(Integer::intValue).sum(), simulator.gzippedBlobGetCount(),
                "every blob asked for and read gzip-compressed");

        // every poll lists the last hour again (the overlap), every 2 s here: a blob handled already is not handed to
        // the fetchers again (once more at most, when it was handled too recently for the lister to know)
        try (TopicReader refs = new TopicReader(broker.bootstrapServers(), List.of(TOPIC_PREFIX + "content-refs"))) {
            List<TopicReader.Record> enqueued = refs.drain(Duration.ofSeconds(3));
            assertTrue(simulator.listCallCount() > 3 * 5, "listed again and again: " + simulator.listCallCount());
            // (118 references for 63 blobs when every poll handed on what it listed again)
            assertTrue(enqueued.size() < gets.size() + 10, enqueued.size() + " references for " + gets.size()
                    + " blobs");
        }
    }

    private static void assertExactlyTheServedRecords(Map<String, List<String>> served,
            Map<String, String> topicByContentType, List<TopicReader.Record> records) throws Exception {
        Map<String, TopicReader.Record> byId = new HashMap<>();
        for (TopicReader.Record record : records) {
            TopicReader.Record previous = byId.put(record.key(), record);
            assertEquals(null, previous, "record twice: " + previous + " and " + record);
        }
        int total = 0;
        for (Map.Entry<String, List<String>> entry : served.entrySet()) {
            String contentType = entry.getKey();
            for (String json : entry.getValue()) {
                total++;
                String id = JSON.readTree(json).get("Id").asText();
                TopicReader.Record record = byId.get(id);
                assertTrue(record != null, "record " + id + " of " + contentType + " is missing");
                assertEquals(topicByContentType.get(contentType), record.topic());
                assertEquals(JSON.readTree(json), JSON.readTree(record.value()), "the served JSON of " + id);
                assertEquals(contentType, record.headers().get("o365.contentType"));
                assertEquals(simulator.tenantId(), record.headers().get("o365.tenantId"));
                assertTrue(record.headers().containsKey("o365.contentId"));
                assertTrue(record.headers().containsKey("o365.contentCreated"));
            }
        }
        assertEquals(total, records.size(), "no record that was not served");
        Set<String> topics = new HashSet<>();
        records.forEach(r -> topics.add(r.topic()));
        assertEquals(5, topics.size(), "all five topics filled");
    }
}
