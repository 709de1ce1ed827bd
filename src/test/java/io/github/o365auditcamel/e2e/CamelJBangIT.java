package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/camel run}, as docs/operations.md tells someone editing routes to run it: Camel JBang's runner with the
 * repository's routes and properties and the jar's beans collects every record of the simulator into Kafka. Its first
 * run fetches Camel's command line through Maven into {@code target/camel-cli/}.
 */
class CamelJBangIT {

    @Test
    void camelRunCollectsWithTheRoutesOfTheRepositoryAndTheBeansOfTheJar() throws Exception {
        Path log = Files.createTempFile("camel-jbang-run", ".log");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
        try (ManagementApiSimulator simulator = ManagementApiSimulator.builder()
                        .blobsPerContentType(2).recordsPerBlob(5).backlog(Duration.ofHours(6)).build()) {
            simulator.start();
            String prefix = "jbang.";
            ProcessBuilder builder = new ProcessBuilder("bin/camel", "run").redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("O365_") || k.startsWith("KAFKA_") || k.startsWith("CAMEL_"));
            // what bin/simulator prints for a collector started by hand, and a broker of one's own
            env.putAll(CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix));
            Process camel = builder.start();
            try (TopicReader reader = new TopicReader(broker.bootstrapServers(),
                    CollectorProcess.recordTopics(prefix))) {
                int expected = simulator.recordCount();
                int read = reader.readUntil(r -> r.size() >= expected || !camel.isAlive(), Duration.ofMinutes(4))
                        .size();
                assertEquals(expected, read, Files.readString(log));
            } finally {
                camel.destroy();
                if (!camel.waitFor(60, TimeUnit.SECONDS)) {
                    camel.destroyForcibly().waitFor();
                }
            }
            String output = Files.readString(log);
            // Camel JBang's runner, not the jar's main: its routes are the repository's files
            assertTrue(output.contains("fetch-blob") || output.contains("routes/fetch-content.camel.yaml"), output);
            assertTrue(new File("target/camel-cli/classpath.txt").isFile(), "bin/camel fetched no command line");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
