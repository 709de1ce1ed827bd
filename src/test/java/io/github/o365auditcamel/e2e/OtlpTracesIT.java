package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.testing.OtlpReceiver;
import io.github.o365auditcamel.testing.OtlpSpans;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code O365_TRACING=otlp} the jar sends the spans of its routes over OTLP/HTTP to where
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} says: the listing's, the fetching's and the API calls', named by route, the
 * fetching of each blob in the trace of the poll that listed it, with neither the client secret nor a bearer token in
 * any span; and every record still arrives once.
 */
class OtlpTracesIT {

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;
    private static OtlpReceiver receiver;

    @BeforeAll
    static void startServices() {
        broker = new EmbeddedKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.SharePoint"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofDays(1))
                .seed(11)
                .build();
        simulator.start();
        receiver = new OtlpReceiver();
    }

    @AfterAll
    static void stopServices() {
        if (receiver != null) {
            receiver.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theRoutesSpansReachTheOtlpEndpointWithoutTheSecretOrAToken() throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), "traced.");
        env.put("O365_CONTENT_TYPES", "Audit.Exchange,Audit.SharePoint");
        env.put("O365_TRACING", "otlp");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        // spans sent every half second rather than every 5 s
        env.put("OTEL_BSP_SCHEDULE_DELAY", "500");
        int expected = simulator.recordCount();
        List<String> topics = List.of("traced.audit.exchange", "traced.audit.sharepoint");
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
             TopicReader reader = new TopicReader(broker.bootstrapServers(), topics)) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(3));
            boolean named = receiver.awaitReceived(spans -> spans.contains("poll-content-listing")
                    && spans.contains("fetch-blob") && spans.contains("call-management-api"), Duration.ofSeconds(30));
            // a graceful stop flushes what is left
            collector.stop();
            String spans = receiver.received();
            String log = collector.output();

            assertTrue(named, "spans naming the routes: " + receiver.requestCount() + " requests\n" + log);
            assertTrue(spans.contains("o365-audit-camel"), "the service name");
            // the API calls: the endpoint's URI (its host and options) and the status; camel-opentelemetry2 takes the
            // request's URL only from a CamelHttpUri that is a String, and ours is a URI
            assertTrue(spans.contains("http.status_code") && spans.contains(simulator.baseUrl() + "?"),
                    "the API calls' spans");
            assertTrue(receiver.contentTypes().stream().allMatch("application/x-protobuf"::equals),
                    "OTLP/HTTP protobuf: " + receiver.contentTypes());
            assertFalse(spans.contains(simulator.clientSecret()), "the client secret in a span");
            Set<String> tokens = simulator.issuedAccessTokens();
            assertFalse(tokens.isEmpty(), "the collector got a token");
            tokens.forEach(token -> assertFalse(spans.contains(token), "a bearer token in a span"));
            assertFalse(spans.contains("Bearer "), "an Authorization header in a span");
            assertTrue(log.contains("Traces of the routes go to " + receiver.endpoint()), log);
            assertFalse(log.contains(simulator.clientSecret()), "the client secret in the log");
            // a poll's trace holds the fetching of every blob it listed, through the content-refs topic
            List<OtlpSpans.Span> all = receiver.spans();
            Set<String> pollTraces = all.stream().filter(span -> span.name().equals("poll-content-listing"))
                    .map(OtlpSpans.Span::traceId).collect(Collectors.toSet());
            List<OtlpSpans.Span> fetches = all.stream().filter(span -> span.name().equals("fetch-blob")).toList();
            assertFalse(fetches.isEmpty(), "fetch-blob spans");
            fetches.forEach(fetch -> assertTrue(pollTraces.contains(fetch.traceId()),
                    "a blob's fetching outside the trace of the poll that listed it: " + fetch));
            Set<String> ids = new HashSet<>();
            records.forEach(r -> assertTrue(ids.add(r.key()), "record twice: " + r));
            assertEquals(expected, records.size(), "records in Kafka\n" + log);
            System.out.printf("traces: %d OTLP requests, %d bytes, for %d records%n", receiver.requestCount(),
                    spans.length(), records.size());
        }
    }
}
