package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.BlobFailure;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.state.TenantState;
import io.github.o365auditcamel.tenancy.Tenants;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transient failures of single blobs: 408, an HTML 502, a connection dropped before the answer or in the middle of
 * the body, an answer slower than the response timeout. A blob that fails once or twice is fetched again at once and
 * arrives once (the records of a half-read body are aborted); a blob that keeps failing goes to the dead-letter topic
 * with the reason and a retry time while the rest flows, is fetched again from there when due (exactly once when it
 * has healed), and is given up on, with the reason, after the configured retries.
 */
class TransientFailuresTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "transient.";
    private static final String DEAD_LETTERS = PREFIX + "deadletter";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String status408;
    private static String droppedMidBody;
    private static String droppedBeforeResponse;
    private static String slow;
    private static String healsLater;
    private static String neverHeals;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.SharePoint"))
                .blobsPerContentType(4)
                .recordsPerBlob(25)
                .backlog(Duration.ofHours(12))
                .slowResponseDelay(Duration.ofSeconds(3))
                // some records served again in the next blob: a blob aborted half-way must not make them slip through
                .duplicateRecordShare(0.2)
                .seed(408)
                .build();
        simulator.start();
        List<String> exchange = contentIds("Audit.Exchange");
        List<String> sharePoint = contentIds("Audit.SharePoint");
        status408 = exchange.get(0);
        droppedMidBody = exchange.get(1);
        droppedBeforeResponse = exchange.get(2);
        slow = sharePoint.get(0);
        healsLater = sharePoint.get(1);
        neverHeals = sharePoint.get(2);
        simulator.failBlob(status408, BlobFailure.STATUS_408, 2);
        simulator.failBlob(droppedMidBody, BlobFailure.DROP_MID_BODY, 1);
        simulator.failBlob(droppedBeforeResponse, BlobFailure.DROP_BEFORE_RESPONSE, 1);
        simulator.failBlob(slow, BlobFailure.SLOW_RESPONSE, 1);
        simulator.failBlob(healsLater, BlobFailure.HTML_502, Integer.MAX_VALUE);
        simulator.failBlob(neverHeals, BlobFailure.DROP_MID_BODY, Integer.MAX_VALUE);
    }

    private static List<String> contentIds(String contentType) {
        return simulator.blobs().stream().filter(b -> b.contentType().equals(contentType))
                .map(ManagementApiSimulator.Blob::contentId).toList();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.content-types", "Audit.Exchange,Audit.SharePoint");
        // two quick retries of each call; a response slower than a second is a timeout
        props.put("o365.api.max-retries", "2");
        props.put("o365.api.retry-delay-millis", "50");
        props.put("o365.api.response-timeout", "1000");
        // a dead-lettered blob is fetched again after 5 s, once
        props.put("o365.deadletter.retry-delay", "5s");
        props.put("o365.deadletter.max-retries", "1");
    }

    @Test
    void transientFailuresAreRetriedAndBlobsThatKeepFailingAreFetchedAgainWhenTheirRetryIsDue() throws Exception {
        List<String> topics = List.of(PREFIX + "audit.exchange", PREFIX + "audit.sharepoint");
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), topics);
             TopicReader letters = new TopicReader(broker.bootstrapServers(), List.of(DEAD_LETTERS))) {
            // the first poll: everything but the two blobs that keep failing, which are dead-lettered
            int firstPoll = distinctIdsExcept(neverHeals, healsLater).size();
            records.readUntil(r -> r.size() >= firstPoll, Duration.ofSeconds(60));
            List<TopicReader.Record> dead = letters.readUntil(r -> r.size() >= 2, Duration.ofSeconds(30));
            assertEquals(Set.of(healsLater, neverHeals), keys(dead));
            JsonNode first = letterOf(dead, healsLater);
            assertEquals(1, first.get("deadLetterCount").asInt());
            assertTrue(first.get("reason").asText().contains("502"), first.toString());
            assertFalse(first.get("retryAt").isNull(), "a transient failure is retried");
            TopicReader.Record firstRecord = dead.stream().filter(r -> r.key().equals(healsLater)).findFirst().orElseThrow();
            assertEquals(first.get("retryAt").asText(), firstRecord.headers().get("o365.retryAt"));
            assertEquals("Audit.SharePoint", firstRecord.headers().get("o365.contentType"));
            assertEquals(first.get("reason").asText(), firstRecord.headers().get("o365.reason"));

            // the service heals one of them before its retry is due: fetched again from the dead-letter topic
            simulator.healBlob(healsLater);
            int expected = distinctIdsExcept(neverHeals).size();
            records.readUntil(r -> r.size() >= expected, Duration.ofSeconds(30));
            // the other fails again at its retry and is given up on
            dead = letters.readUntil(r -> r.size() >= 3, Duration.ofSeconds(30));
            List<JsonNode> neverHealsLetters = lettersOf(dead, neverHeals);
            assertEquals(2, neverHealsLetters.size(), dead.toString());
            JsonNode last = neverHealsLetters.get(1);
            assertEquals(2, last.get("deadLetterCount").asInt());
            assertTrue(last.get("retryAt").isNull(), "given up on: " + last);
            assertTrue(last.get("reason").asText().contains("not retried again after 1 retries"), last.toString());

            // a retry handed to the fetchers a second time (as by a new listing leader) fetches nothing: it is no
            // longer the blob's pending retry
            int getsBefore = simulator.blobGetCount(healsLater);
            handAgain(first);

            List<TopicReader.Record> all = records.drain(Duration.ofSeconds(3));
            dead = letters.drain(Duration.ofSeconds(1));
            Map<String, Long> copies = all.stream()
                    .collect(Collectors.groupingBy(TopicReader.Record::key, Collectors.counting()));
            Set<String> wanted = distinctIdsExcept(neverHeals);
            assertEquals(wanted, copies.keySet(), "every record of every blob that could be fetched");
            assertEquals(wanted.size(), all.size(), "no record twice");
            assertEquals(getsBefore, simulator.blobGetCount(healsLater), "the retry handed twice was not fetched again");
            assertEquals(3, dead.size(), "two letters for the blob that never healed, one for the other");
            System.out.printf("transient failures: %d records, 0 lost, 0 duplicates; failures served: 408 x%d, "
                            + "dropped mid-body x%d, dropped before answering x%d, slow x%d, HTML 502 x%d, dropped "
                            + "for good x%d%n", all.size(), simulator.blobFailureCount(status408),
                    simulator.blobFailureCount(droppedMidBody), simulator.blobFailureCount(droppedBeforeResponse),
                    simulator.blobFailureCount(slow), simulator.blobFailureCount(healsLater),
                    simulator.blobFailureCount(neverHeals));
        }
        assertEquals(2, simulator.blobFailureCount(status408));
        assertEquals(1, simulator.blobFailureCount(droppedMidBody));
        assertEquals(1, simulator.blobFailureCount(droppedBeforeResponse));
        assertEquals(1, simulator.blobFailureCount(slow));
        // first poll: 1 try + 2 retries; then the dead letter's retry: 1 try + 2 retries
        assertEquals(6, simulator.blobFailureCount(neverHeals));
        TenantState state = context.getRegistry().lookupByNameAndType("tenants", Tenants.class)
                .get("default").stateStore();
        assertNull(state.pendingRetry(healsLater), "published: no retry pending");
        assertNull(state.pendingRetry(neverHeals), "given up on: no retry pending");
    }

    /** The Ids of every record served, copies once, of all blobs but these. */
    private static Set<String> distinctIdsExcept(String... contentIds) {
        Set<String> left = Set.of(contentIds);
        return simulator.blobs().stream().map(ManagementApiSimulator.Blob::contentId)
                .filter(id -> !left.contains(id)).flatMap(id -> simulator.records(id).stream())
                .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
    }

    private static Set<String> keys(List<TopicReader.Record> records) {
        return records.stream().map(TopicReader.Record::key).collect(Collectors.toSet());
    }

    private static JsonNode letterOf(List<TopicReader.Record> letters, String contentId) throws Exception {
        return lettersOf(letters, contentId).get(0);
    }

    private static List<JsonNode> lettersOf(List<TopicReader.Record> letters, String contentId) throws Exception {
        List<JsonNode> found = new java.util.ArrayList<>();
        for (TopicReader.Record letter : letters) {
            if (letter.key().equals(contentId)) {
                found.add(JSON.readTree(letter.value()));
            }
        }
        return found;
    }

    /**
     * Puts the retry of the dead letter on the content-refs topic again, as the listing leader hands it to the
     * fetchers, and gives the fetchers time to take it (a reference passed over commits no offset to wait for).
     */
    private static void handAgain(JsonNode letter) throws Exception {
        Map<String, Object> reference = new java.util.LinkedHashMap<>();
        for (String field : List.of("contentType", "contentId", "contentUri", "contentCreated")) {
            reference.put(field, letter.get(field).asText());
        }
        reference.put("listedAs", letter.get("contentType").asText());
        reference.put("deadLetterCount", letter.get("deadLetterCount").asInt());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(PREFIX + "content-refs", simulator.tenantId() + "|"
                    + letter.get("contentId").asText(), JSON.writeValueAsString(reference))).get();
        }
        Thread.sleep(5000);
    }
}
