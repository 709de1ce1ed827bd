package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.fetch.RecordTypes;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A consumer routes records without parsing them: every record carries its {@code Workload}, {@code Operation},
 * {@code RecordType} (number and name) and {@code CreationTime} as Kafka headers, equal to the fields of the record as
 * served, next to its tenant. And an operator sees how fresh the content is: {@code o365_record_freshness_seconds}
 * counts every record once and {@code o365_blob_freshness_seconds} every blob, per tenant and content type.
 */
class RecordHeadersTest extends InProcessCollectorTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COUNT = Pattern.compile(
            "o365_(record|blob)_freshness_seconds_count\\{content_type=\"([^\"]+)\",tenant=\"default\"} (\\d+)");

    private final ManagementPort management = new ManagementPort(this::managementPort);

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofHours(6))
                .seed(21)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return "headers.";
    }

    @Test
    void everyRecordCarriesTheFieldsAConsumerRoutesByAndItsFreshnessIsCounted() throws Exception {
        int expected = simulator.recordCount();
        List<TopicReader.Record> records;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90));
        }
        assertEquals(expected, records.size());

        int named = 0;
        for (TopicReader.Record record : records) {
            JsonNode served = JSON.readTree(record.value());
            Map<String, String> headers = record.headers();
            assertEquals(served.get("Workload").asText(), headers.get("o365.workload"), record.toString());
            assertEquals(served.get("Operation").asText(), headers.get("o365.operation"), record.toString());
            assertEquals(served.get("RecordType").asText(), headers.get("o365.recordType"), record.toString());
            assertEquals(served.get("CreationTime").asText(), headers.get("o365.creationTime"), record.toString());
            assertEquals("default", headers.get("o365.tenant"));
            String name = RecordTypes.nameOf(served.get("RecordType").asInt());
            assertEquals(name, headers.get("o365.recordTypeName"), record.toString());
            named += name == null ? 0 : 1;
        }
        assertTrue(named > expected / 2, "record types the enum names: " + named + " of " + expected);

        // the freshness histograms count each record and each blob once, per content type
        Map<String, Long> recordsByType = records.stream()
                .collect(Collectors.groupingBy(r -> r.headers().get("o365.contentType"), Collectors.counting()));
        String metrics = management.await("/observe/metrics", r -> counts(r.body(), "record").equals(recordsByType),
                Duration.ofSeconds(30)).body();
        Map<String, Long> blobs = counts(metrics, "blob");
        assertEquals(ManagementApiSimulator.ALL_CONTENT_TYPES.size(), blobs.size(), blobs.toString());
        blobs.values().forEach(n -> assertEquals(3L, n, blobs.toString()));
        assertNotNull(metrics.lines().filter(l -> l.startsWith("o365_record_freshness_seconds_bucket{")
                && l.contains("le=\"86400.0\"")).findFirst().orElse(null), "a bucket of a day");
    }

    private static Map<String, Long> counts(String metrics, String kind) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        Matcher m = COUNT.matcher(metrics);
        while (m.find()) {
            if (m.group(1).equals(kind) && Long.parseLong(m.group(3)) > 0) {
                counts.put(m.group(2), Long.parseLong(m.group(3)));
            }
        }
        return counts;
    }
}
