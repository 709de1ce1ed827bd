package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.testing.OtlpReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tracing costs nothing unless {@code O365_TRACING=otlp}, even where {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (for
 * other programs, say): the jar collects with not one class of OpenTelemetry or of Camel's tracing loaded (so no SDK
 * thread either), sends nothing to that endpoint, and says once how to turn traces on.
 */
class TracingOffIT {

    private static final Pattern TRACING_CLASS = Pattern.compile(
            "--(io\\.opentelemetry\\.|org\\.apache\\.camel\\.(opentelemetry2|telemetry)\\.)\\S*");

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;
    private static OtlpReceiver receiver;

    @BeforeAll
    static void startServices() {
        broker = new EmbeddedKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofDays(1))
                .seed(12)
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
    void withoutO365TracingNoOpenTelemetryClassIsLoadedAndNothingIsSent() throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), "untraced.");
        env.put("O365_CONTENT_TYPES", "Audit.Exchange");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        env.put("OTEL_BSP_SCHEDULE_DELAY", "500");
        int expected = simulator.recordCount();
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
