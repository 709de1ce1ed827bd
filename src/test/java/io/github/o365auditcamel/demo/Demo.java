package io.github.o365auditcamel.demo;

import static io.github.o365auditcamel.testing.LocalMachine.classDataArchive;
import static io.github.o365auditcamel.testing.LocalMachine.deleteQuietly;
import static io.github.o365auditcamel.testing.LocalMachine.freePortOr;
import static io.github.o365auditcamel.testing.LocalMachine.javaBin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The local demo: our API simulator, a single-node Kafka broker (KRaft) and the production jar, unchanged, pointed
 * at both. Prints the record count of every topic after each poll, and adds a few new blobs now and then so that
 * live collection shows. Ctrl+C stops everything.
 */
public final class Demo {

    private static final List<String> CONTENT_TYPES = List.of(
            "Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General", "DLP.All");
    private static final Duration POLL = Duration.ofSeconds(10);

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("target/o365-audit-camel.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the collector first: mvn -B package -DskipTests");
        }
        int kafkaPort = freePortOr(9092);
        Path kafkaDir = Files.createTempDirectory("o365-demo-kafka");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaDir, kafkaPort).start();
        ManagementApiSimulator simulator = ManagementApiSimulator.builder()
                .port(freePortOr(8365))
                .blobsPerContentType(8)
                .recordsPerBlob(250)
                .backlog(Duration.ofDays(3))
                .build();
        simulator.start();
        say("Kafka broker (KRaft) at " + broker.bootstrapServers() + ", data in " + kafkaDir);
        say("Office 365 Management API simulator at " + simulator.baseUrl() + " with "
                + simulator.recordCount() + " records waiting in 5 content types");

        List<String> command = new ArrayList<>(List.of(javaBin(), "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(classDataArchive());
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder collector = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = collector.environment();
        env.put("O365_TENANT_ID", simulator.tenantId());
        env.put("O365_CLIENT_ID", simulator.clientId());
        env.put("O365_CLIENT_SECRET", simulator.clientSecret());
        // the login host over HTTPS, as Microsoft's token client insists, trusting the simulator's own certificate
        env.put("O365_LOGIN_URL", simulator.httpsBaseUrl());
        env.put("O365_TRUSTED_CERTIFICATES", simulator.serverCertificateFile().toString());
        env.put("O365_API_URL", simulator.baseUrl());
        env.put("O365_POLL_INTERVAL", POLL.toSeconds() + "s");
        // all five subscriptions at once: the simulator does not keep Microsoft's 15 minutes between start requests
        env.put("O365_SUBSCRIPTION_START_INTERVAL", "0s");
        env.put("KAFKA_BROKERS", broker.bootstrapServers());
        int managementPort = freePortOr(9876);
        env.put("O365_MANAGEMENT_PORT", String.valueOf(managementPort));
        say("starting the collector: java -jar " + jar + " (the production jar, pointed at the two above)");
        Process process = collector.start();
        String management = "http://localhost:" + managementPort + "/observe";
        say("watch it: " + management + "/health/ready?data=true, " + management + "/metrics, Jolokia at "
                + management + "/jolokia; Hawtio: ./bin/hawtio"
                + (managementPort == 9876 ? "" : " with COLLECTOR_JOLOKIA_URL=" + management + "/jolokia"));

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            simulator.close();
            broker.close();
            deleteQuietly(kafkaDir.toFile());
        }));

        Random random = new Random();
        Map<String, Long> counts = new TreeMap<>();
        CONTENT_TYPES.forEach(t -> counts.put("o365." + t.toLowerCase(Locale.ROOT), 0L));
        try (KafkaConsumer<byte[], byte[]> counter = counter(broker.bootstrapServers())) {
            counter.subscribe(counts.keySet());
            int round = 0;
            long nextReport = System.nanoTime() + POLL.toNanos();
            while (process.isAlive()) {
                // counts what Event Manager would see: committed records only
                for (ConsumerRecord<byte[], byte[]> r : counter.poll(Duration.ofMillis(500))) {
                    counts.merge(r.topic(), 1L, Long::sum);
                }
                if (System.nanoTime() < nextReport) {
                    continue;
                }
                nextReport += POLL.toNanos();
                round++;
                if (round % 3 == 0) {
                    String type = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
                    simulator.addBlobs(type, 1, 100, Instant.now());
                    say("a new " + type + " blob with 100 records became available");
                }
                say("records per topic: " + counts + "  (served so far: " + simulator.recordCount() + ")");
            }
        }
        System.exit(process.exitValue());
    }

    private static KafkaConsumer<byte[], byte[]> counter(String brokers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "o365-demo-counter");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void say(String line) {
        // HH:mm:ss always: LocalTime's own text drops the seconds on the minute (09:11 [demo] ...)
        System.out.println(LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"))
                + " [demo] " + line);
    }
}
