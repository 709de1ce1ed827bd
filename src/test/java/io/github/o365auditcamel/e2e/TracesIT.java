package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.testing.OtlpReceiver;
import io.github.o365auditcamel.testing.OtlpSpans;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces of the routes, as the jar sends them. With {@code O365_TRACING=otlp} the spans of its routes go over OTLP/HTTP
 * to where {@code OTEL_EXPORTER_OTLP_ENDPOINT} says: the listing's, the fetching's and the API calls', named by route,
 * the fetching of each blob in the trace of the poll that listed it, with neither the client secret nor a bearer token
 * in any span; and every record still arrives once. Without it tracing costs nothing, even where
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (for other programs, say): not one class of OpenTelemetry or of Camel's
 * tracing is loaded (so no SDK thread either), nothing is sent to that endpoint, and the log says once how to turn
 * traces on.
 */
class TracesIT {

    private static final Pattern TRACING_CLASS = Pattern.compile(
            "--(io\\.opentelemetry\\.|org\\.apache\\.camel\\.(opentelemetry2|telemetry)\\.)\\S*");

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.SharePoint"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofDays(1))
                .seed(11)
                .build();
        simulator.start();
    }

    @AfterAll
    static void stopServices() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void withO365TracingTheRoutesSpansReachTheOtlpEndpointWithoutTheSecretOrAToken() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            traced(receiver);
        }
    }

    private void traced(OtlpReceiver receiver) throws Exception {
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

    @Test
    void withoutO365TracingNoOpenTelemetryClassIsLoadedAndNothingIsSent() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            untraced(receiver);
        }
    }

    private void untraced(OtlpReceiver receiver) throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), "untraced.");
        env.put("O365_CONTENT_TYPES", "Audit.Exchange");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        env.put("OTEL_BSP_SCHEDULE_DELAY", "500");
        int expected = simulator.recordsByContentType().get("Audit.Exchange").size();
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
             TopicReader reader = new TopicReader(broker.bootstrapServers(), List.of("untraced.audit.exchange"))) {
            List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            // a few polls more, for spans that would have been sent every half second
            Thread.sleep(3000);
            String loaded = loadedClasses(collector.pid());
            List<String> tracing = TRACING_CLASS.matcher(loaded).results().map(m -> m.group().substring(2)).toList();
            String log = collector.output();

            assertEquals(expected, records.size(), "records in Kafka\n" + log);
            assertTrue(loaded.contains("io.github.o365auditcamel.Application"), "the collector's classes are listed");
            assertTrue(tracing.isEmpty(), "tracing classes loaded: " + tracing);
            assertEquals(0, receiver.requestCount(), "requests to the OTLP endpoint");
            assertEquals(1, log.lines().filter(l -> l.contains("O365_TRACING=otlp sends their spans there")).count(),
                    log);
        }
    }

    /** Every class the JVM has loaded, as {@code jcmd <pid> VM.class_hierarchy} lists them. */
    private static String loadedClasses(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "VM.class_hierarchy")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jcmd did not end");
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
