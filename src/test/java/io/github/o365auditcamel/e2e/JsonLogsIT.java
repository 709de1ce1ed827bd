package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code O365_LOG_FORMAT=json} every line the jar writes is one JSON object with ECS's fields (time, level,
 * logger, thread, message), from start through collecting to a graceful stop, with no secret in any; a configuration
 * error is such a line too.
 */
class JsonLogsIT {

    private static final List<String> FIELDS = List.of("@timestamp", "log.level", "log.logger",
            "process.thread.name", "message");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofDays(1))
                .seed(13)
                .build();
        simulator.start();
    }

    @AfterAll
    static void stopServices() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static Map<String, String> environment() {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), "json.");
        env.put("O365_CONTENT_TYPES", "Audit.Exchange,Audit.General");
        env.put("O365_LOG_FORMAT", "json");
        return env;
    }

    @Test
    void everyLineOfARunIsAJsonObjectWithTheFieldsAndNoSecret() throws Exception {
        int expected = simulator.recordCount();
        Map<String, String> env = environment();
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
             TopicReader reader = new TopicReader(broker.bootstrapServers(),
                     List.of("json.audit.exchange", "json.audit.general"))) {
            List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            collector.awaitOutput("records published", Duration.ofSeconds(30));
            collector.stop();
            List<JsonNode> lines = jsonLines(collector.outputLines());
            List<String> messages = lines.stream().map(l -> l.get("message").asText()).toList();
            String output = collector.output();

            assertEquals(expected, records.size(), "records in Kafka\n" + output);
            assertTrue(messages.stream().anyMatch(m -> m.startsWith("Subscriptions:")), "the subscription table");
            assertTrue(messages.stream().anyMatch(m -> m.contains("records published")), "the progress lines");
            assertTrue(lines.stream().anyMatch(l -> l.get("log.logger").asText().equals("o365.progress")),
                    "loggers by their full name");
            assertTrue(messages.stream().anyMatch(m -> m.contains("is shutdown")), "the stop is logged too");
            assertFalse(output.contains(simulator.clientSecret()), "the client secret in the log");
            Set<String> tokens = simulator.issuedAccessTokens();
            assertFalse(tokens.isEmpty(), "the collector got a token");
            tokens.forEach(token -> assertFalse(output.contains(token), "a bearer token in the log"));
            System.out.printf("json logs: %d lines, each a JSON object%n", lines.size());
        }
    }

    @Test
    void aConfigurationErrorIsOneJsonLineNamingTheSettingAndExitStatus2() throws Exception {
        Map<String, String> env = environment();
        env.put("O365_POLL_INTERVAL", "every minute");
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            int exit = collector.waitForExit(Duration.ofSeconds(60));
            List<JsonNode> errors = jsonLines(collector.outputLines()).stream()
                    .filter(l -> l.get("message").asText().contains("configuration error")).toList();

            assertEquals(2, exit, collector.output());
            assertEquals(1, errors.size(), collector.output());
            assertEquals("ERROR", errors.get(0).get("log.level").asText());
            assertTrue(errors.get(0).get("message").asText()
                    .startsWith("o365-audit-camel: configuration error: O365_POLL_INTERVAL"), errors.get(0).toString());
            assertFalse(collector.output().contains(simulator.clientSecret()), "the client secret in the log");
        }
    }

    /** Each line as a JSON object with every field of {@link #FIELDS} a string; a line that is not fails the test. */
    private static List<JsonNode> jsonLines(List<String> lines) {
        assertFalse(lines.isEmpty(), "no output");
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON object: " + line, e);
            }
            assertTrue(node != null && node.isObject(), "not a JSON object: " + line);
            for (String field : FIELDS) {
                assertTrue(node.hasNonNull(field) && node.get(field).isTextual(), field + " missing: " + line);
            }
            if (node.has("error.stack_trace")) {
                assertTrue(node.get("error.stack_trace").isTextual(), "the stack trace as one string: " + line);
            }
            assertFalse(node.has("labels") || node.has("tags"), "MDC or NDC fields: " + line);
            objects.add(node);
        }
        return objects;
    }
}
