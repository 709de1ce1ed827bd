package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing rules (O365_ROUTING_RULES) send Exchange's mail access and every Copilot interaction to topics of their own,
 * in the same transactions as the rest of their blobs: every record arrives exactly once, those the rules match only
 * in their rule's topic (created by the collector), the others in their content type's.
 */
class RoutedRecordsTest extends InProcessCollectorTestSupport {

    private static final String MAIL = "routed.mail";
    private static final String COPILOT = "routed.copilot";

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(3)
                .recordsPerBlob(30)
                .backlog(Duration.ofHours(6))
                .seed(2021)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return "routing.";
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.routing-rules", rulesFile().toString());
    }

    @Test
    void recordsTheRulesMatchGoToTheirTopicsOnceAndTheRestToTheirContentTypes() throws Exception {
        int expected = simulator.recordCount();
        List<String> topics = new ArrayList<>(recordTopics());
        topics.addAll(List.of(MAIL, COPILOT));
        List<TopicReader.Record> records;
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topics)) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90));
            records = reader.drain(Duration.ofSeconds(2));
        }

        Set<String> served = simulator.recordsByContentType().values().stream().flatMap(List::stream)
                .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
        assertEquals(served, records.stream().map(TopicReader.Record::key).collect(Collectors.toSet()), "every record");
        assertEquals(served.size(), records.size(), "each once");
        Map<String, List<TopicReader.Record>> byTopic = records.stream()
                .collect(Collectors.groupingBy(TopicReader.Record::topic));
        assertTrue(byTopic.containsKey(MAIL) && byTopic.containsKey(COPILOT), byTopic.keySet().toString());
        for (TopicReader.Record record : records) {
            Map<String, String> h = record.headers();
            boolean mail = "Exchange".equals(h.get("o365.workload")) && "MailItemsAccessed".equals(h.get("o365.operation"));
            boolean copilot = "261".equals(h.get("o365.recordType"));
            String wanted = mail ? MAIL : copilot ? COPILOT
                    : topicPrefix() + h.get("o365.contentType").toLowerCase(java.util.Locale.ROOT);
            assertEquals(wanted, record.topic(), record.toString());
        }
    }

    private static Path rulesFile() {
        try {
            Path file = Files.createTempFile("routing-rules", ".yaml");
            Files.writeString(file, """
                    - when:
                        workload: Exchange
                        operation: MailItemsAccessed
                      topic: routed.mail
                    - when:
                        recordType: CopilotInteraction
                      topic: routed.copilot
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
