package io.github.o365auditcamel.demo;

import static io.github.o365auditcamel.testing.LocalMachine.deleteQuietly;
import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static io.github.o365auditcamel.testing.LocalMachine.javaBin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.e2e.CollectorProcess;
import io.github.o365auditcamel.e2e.TopicReader;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;

/**
 * The training run behind the collector's class data archive ({@code bin/class-data-archive}): runs the production jar
 * once, as the demo does, against our simulator and an embedded broker, until every record of a small backlog is in
 * Kafka, with the JVM writing down every class it loads ({@code -XX:DumpLoadedClassList}). That list is what
 * {@code java -Xshare:dump} turns into the archive a later start maps instead of loading and verifying the classes
 * again.
 * <p>
 * Usage: {@code ClassListTraining <class list to write>}. Exit 0 when the list is written, 1 when the run failed.
 */
public final class ClassListTraining {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private ClassListTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ClassListTraining <class list to write>");
            System.exit(2);
        }
        Path classList = Path.of(args[0]).toAbsolutePath();
        Path jar = Path.of("target/o365-audit-camel.jar").toAbsolutePath();
        Path kafkaDir = Files.createTempDirectory("o365-class-list-kafka");
        Path log = Files.createTempFile("o365-class-list-collector", ".log");
        Path rawList = Files.createTempFile("o365-class-list", ".raw");
        boolean written = false;
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaDir, freePort()).start();
                ManagementApiSimulator simulator = ManagementApiSimulator.builder()
                        .port(freePort()).blobsPerContentType(2).recordsPerBlob(50).backlog(Duration.ofDays(1))
                        .build()) {
            simulator.start();
            ProcessBuilder collector = new ProcessBuilder(javaBin(), "-XX:DumpLoadedClassList=" + rawList,
                    "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = collector.environment();
            env.keySet().removeIf(k -> k.startsWith("O365_") || k.startsWith("KAFKA_") || k.startsWith("CAMEL_"));
            // as the jar tests run it: pointed at the simulator and the broker, the default record topics
            env.putAll(CollectorProcess.environment(simulator, broker.bootstrapServers()));
            Process process = collector.start();
            try {
                written = awaitAllRecords(broker.bootstrapServers(), simulator.recordCount(), process);
            } finally {
                // a stop as SIGTERM: the shutdown path's classes are listed too, and the list is complete at exit
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    written = false;
                }
            }
            if (written) {
                writeArchivable(rawList, classList);
            } else {
                System.err.println("class list training: the collector did not publish the backlog; its log: " + log);
            }
        } finally {
            Files.deleteIfExists(rawList);
            deleteQuietly(kafkaDir.toFile());
            if (written) {
                Files.deleteIfExists(log);
            }
        }
        System.exit(written ? 0 : 1);
    }

    /** Reads the default record topics, as Event Manager would (committed records only), until all have arrived. */
    private static boolean awaitAllRecords(String brokers, int expected, Process process) {
        try (TopicReader records = new TopicReader(brokers, CollectorProcess.recordTopics("o365."))) {
            return records.readUntil(r -> r.size() >= expected || !process.isAlive(), TIMEOUT).size() >= expected;
        }
    }

    /**
     * The list without its lambda proxy entries: the JDK 17 builds here crash while archiving them
     * ({@code SystemDictionaryShared::adjust_lambda_proxy_class_dictionary}, SIGSEGV), and they are a small part of
     * start-up. Everything else is kept as the JVM wrote it.
     */
    private static void writeArchivable(Path rawList, Path classList) throws java.io.IOException {
        List<String> lines = Files.readAllLines(rawList).stream()
                .filter(line -> !line.startsWith("@lambda-proxy")).toList();
        Files.createDirectories(classList.getParent());
        Files.write(classList, lines);
    }
}
