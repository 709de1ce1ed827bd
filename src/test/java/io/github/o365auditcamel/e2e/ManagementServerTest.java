package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.Faults;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management port as a user's monitoring sees it: liveness and readiness (and readiness going down with
 * Kafka), the collector's metrics in Prometheus format next to Camel's route metrics, and Jolokia, which reads
 * everything Hawtio needs and serves Camel's route dumps but refuses writes and every other operation.
 */
class ManagementServerTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "mgmt.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ManagementPort management = new ManagementPort(this::managementPort);

    @BeforeAll
    static void startServices() {
        broker = new EmbeddedKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(4)
                .recordsPerBlob(25)
                .backlog(Duration.ofHours(6))
                .faults(new Faults(0.1, 429, null, 0, 0))
                .seed(9876)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.content-types", "Audit.Exchange,Audit.General");
        props.put("o365.api.retry-delay-millis", "50");
        props.put("o365.api.max-retries", "10");
    }

    @Test
    void healthMetricsAndJolokiaAreServedOnTheManagementPort() throws Exception {
        int expected = simulator.recordCount();
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(),
                List.of(PREFIX + "audit.exchange", PREFIX + "audit.general"))) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(60));
        }

        // health: live, and ready with the three parts of readiness
        assertEquals(200, management.get("/observe/health/live").statusCode());
        HttpResponse<String> ready = management.await("/observe/health/ready?data=true", r -> r.statusCode() == 200,
                Duration.ofSeconds(20));
        JsonNode readiness = JSON.readTree(ready.body());
        assertEquals("UP", readiness.get("status").asText(), ready.body());
        JsonNode collector = ManagementPort.check(readiness, "collector");
        assertEquals("reachable", collector.at("/data/kafka").asText(), collector.toString());
        assertEquals("obtained", collector.at("/data/token").asText());
        assertEquals("enabled", collector.at("/data/subscriptions").asText());
        assertEquals("UP", ManagementPort.check(readiness, "content-types").get("status").asText());

        // metrics: ours, per content type, next to Camel's
        int exchangeRecords = simulator.recordsByContentType().get("Audit.Exchange").size();
        int generalRecords = simulator.recordsByContentType().get("Audit.General").size();
        // counters move just after a blob's transaction commits
        String metrics = management.await("/observe/metrics", r -> r.body().contains(
                "o365_records_published_total{content_type=\"Audit.Exchange\",tenant=\"default\"} "
                + exchangeRecords + ".0") && r.body().contains(
                "o365_records_published_total{content_type=\"Audit.General\",tenant=\"default\"} "
                + generalRecords + ".0"), Duration.ofSeconds(10)).body();
        assertEquals(exchangeRecords, (int) value(metrics, "o365_records_published_total", "Audit.Exchange"));
        assertEquals(4, (int) value(metrics, "o365_blobs_fetched_total", "Audit.Exchange"));
        assertTrue(value(metrics, "o365_fetched_bytes_total", "Audit.General") > 1000);
        // the listing is current: the checkpoint is about a poll interval behind, not as old as the newest blob
        double lag = value(metrics, "o365_checkpoint_lag_seconds", "Audit.Exchange");
        assertTrue(lag >= 0 && lag < 60, "lag: " + lag);
        // every counter is there from the start, at 0 until something happens, and says what it counts
        assertEquals(0, (int) value(metrics, "o365_blobs_skipped_total", "Audit.Exchange"));
        assertTrue(metrics.contains("o365_blobs_deadlettered_total{content_type=\"Audit.Exchange\",retried=\"true\""),
                "dead letters counted from 0");
        assertFalse(metrics.lines().anyMatch(l -> l.startsWith("# HELP o365_") && l.split(" ").length < 4),
                "a HELP text for every o365 metric");
        // the Kafka clients' own metrics: the fetchers' consumer lag, the producers' sends
        assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"o365-audit-camel-fetcher"),
                "the fetchers' consumer lag");
        assertTrue(metrics.contains("kafka_producer_record_send_total{client_id=\"o365-audit-camel-refs-"),
                "the publishing producers' sends");
        assertTrue(metrics.contains("o365_api_requests_total{code=\"none\",content_type=\"Audit.Exchange\","
                + "outcome=\"success\",status=\"200\",tenant=\"default\"}"), "successful API calls counted");
        assertEquals(simulator.throttledCount(), (int) sum(metrics, "o365_api_throttled_total"),
                "every throttled answer counted");
        assertTrue(sum(metrics, "o365_token_refreshes_total") >= 1);
        assertTrue(metrics.contains("routeId=\"fetch-content\""), "Camel's route metrics are there too");

        // Jolokia: reads what Hawtio shows...
        JsonNode read = JSON.readTree(management.get("/observe/jolokia/read/org.apache.camel:context=*,type=routes,"
                + "name=%22fetch-content%22/ExchangesCompleted").body());
        assertEquals(200, read.get("status").asInt(), read.toString());
        assertTrue(read.get("value").toString().matches(".*:\\s*[1-9]\\d*.*"), "exchanges counted: " + read);
        // ...but does not stop a route or change an attribute
        JsonNode exec = jolokia("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=o365-audit-camel,"
                + "type=routes,name=\\\"run-tenant-task\\\"\",\"operation\":\"stop()\"}");
        assertEquals(403, exec.get("status").asInt(), exec.toString());
        JsonNode write = jolokia("{\"type\":\"write\",\"mbean\":\"org.apache.camel:context=o365-audit-camel,"
                + "type=routes,name=\\\"run-tenant-task\\\"\",\"attribute\":\"Tracing\",\"value\":true}");
        assertEquals(403, write.get("status").asInt(), write.toString());
        // ...while the dumps behind Hawtio's route diagram and source view are served, as Hawtio asks for them
        String contextMBean = "org.apache.camel:context=o365-audit-camel,type=context,name=\"o365-audit-camel\"";
        String routeMBean = "org.apache.camel:context=o365-audit-camel,type=routes,name=\"fetch-content\"";
        JsonNode routesXml = jolokia(exec(contextMBean, "dumpRoutesAsXml()"));
        assertEquals(200, routesXml.get("status").asInt(), routesXml.toString());
        assertTrue(routesXml.get("value").asText().contains("<route id=\"fetch-content\""), routesXml.toString());
        assertTrue(routesXml.get("value").asText().contains("{{kafka.brokers}}"), "placeholders left unresolved");
        JsonNode routeStats = jolokia(exec(routeMBean, "dumpRouteStatsAsXml", true, true));
        assertEquals(200, routeStats.get("status").asInt(), routeStats.toString());
        assertTrue(routeStats.get("value").asText().contains("<routeStat id=\"fetch-content\""), routeStats.toString());
        JsonNode allStats = jolokia(exec(contextMBean, "dumpRoutesStatsAsXml", true, true));
        assertEquals(200, allStats.get("status").asInt(), allStats.toString());
        // ...but not with placeholders resolved, and nothing that changes something
        for (String refused : List.of(
                exec(contextMBean, "dumpRoutesAsXml(boolean)", true),
                exec(contextMBean, "dumpRoutesAsYaml(boolean)", true),
                exec(routeMBean, "dumpRouteAsXml(boolean)", true),
                exec(routeMBean, "reset()"),
                exec(routeMBean, "remove()"),
                exec(routeMBean, "updateRouteFromXml", "<route/>"),
                exec(contextMBean, "stop()"),
                exec(contextMBean, "sendStringBody(java.lang.String,java.lang.String)", "direct:nowhere", "x"))) {
            JsonNode answer = jolokia(refused);
            assertEquals(403, answer.get("status").asInt(), refused + " -> " + answer);
        }
        assertEquals("Started", context.getRouteController().getRouteStatus("run-tenant-task").name());
        assertEquals("Started", context.getRouteController().getRouteStatus("fetch-content").name());
        assertEquals("Started", context.getStatus().name());

        // readiness follows Kafka
        broker.stop();
        HttpResponse<String> notReady = management.await("/observe/health/ready?data=true",
                r -> r.statusCode() == 503 && r.body().contains("not usable"), Duration.ofSeconds(40));
        assertTrue(notReady.body().contains(broker.bootstrapServers() + " (PLAINTEXT) not usable"), notReady.body());
        broker.start();
        management.await("/observe/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60));
    }

    private JsonNode jolokia(String request) throws Exception {
        return JSON.readTree(management.post("/observe/jolokia", request).body());
    }

    /** A Jolokia exec request, as JSON. */
    private static String exec(String mbean, String operation, Object... arguments) {
        ObjectNode request = JSON.createObjectNode()
                .put("type", "exec").put("mbean", mbean).put("operation", operation);
        if (arguments.length > 0) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        return request.toString();
    }

    /** The value of a metric for one content type, in Prometheus text format. */
    private static double value(String metrics, String name, String contentType) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*content_type=\"" + Pattern.quote(contentType)
                + "\"[^}]*\\} (\\S+)").matcher(metrics);
        assertTrue(m.find(), name + " for " + contentType + " in:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static double sum(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)").matcher(metrics);
        double total = 0;
        boolean found = false;
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
            found = true;
        }
        assertFalse(!found && !name.endsWith("throttled_total"), name + " missing");
        return total;
    }
}
