package io.github.o365auditcamel.bench;

import static io.github.o365auditcamel.testing.LocalMachine.classDataArchive;
import static io.github.o365auditcamel.testing.LocalMachine.deleteQuietly;
import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static io.github.o365auditcamel.testing.LocalMachine.javaBin;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Throughput benchmark (issue 7, part 1): the production jar, unchanged, drains a simulator backlog into an embedded
 * Kafka broker; a plain KafkaProducer loop with the collector's producer settings sends the same records to the same
 * broker as the baseline. Prints one JSON line on stdout and writes docs/benchmarks.md; everything else goes to
 * stderr. Run it with bench/run.sh.
 *
 * <p>Volume: args {@code blobs records recordBytes} or env BENCH_BLOBS (per content type), BENCH_RECORDS (per blob),
 * BENCH_RECORD_BYTES (approximate record size). BENCH_TENANTS (default 1) makes the simulator serve that many tenants,
 * each with that volume, and the collector collect them all ({@link BenchTenants}). BENCH_TIMEOUT_S caps the drain
 * wait (default 900).
 * BENCH_CONCURRENCY sets the collector's fetch concurrency (default: the collector's own, 4); BENCH_COLLECTOR_XMX its
 * heap (default 512m); BENCH_COLLECTOR_OPTS adds JVM options (a flight recording, say). KAFKA_PRODUCER_LINGER_MS and
 * KAFKA_PRODUCER_COMPRESSION are passed on to the collector.
 * <p>BENCH_LARGE_BLOB_MB=300 measures one blob of that size instead (Audit.General only, collector heap 256m by
 * default), and writes docs/benchmarks-large-blob.md.
 */
public final class Benchmark {

    private static final String PREFIX = "bench.";
    private static final long SEED = 7L;

    private static PrintStream out;

    private Benchmark() {
    }

    /**
     * The collector's class data archive option, as bin/run starts it; none with BENCH_CLASS_DATA_ARCHIVE=off, to
     * compare.
     */
    static List<String> collectorClassDataArchive() {
        return "off".equals(System.getenv("BENCH_CLASS_DATA_ARCHIVE")) ? List.of() : classDataArchive();
    }

    public static void main(String[] args) throws Exception {
        // stdout carries the JSON line only; every log line (ours, Kafka's) goes to stderr
        out = System.out;
        System.setOut(System.err);

        int largeBlobMb = setting(new String[0], 9, "BENCH_LARGE_BLOB_MB", 0);
        boolean largeBlob = largeBlobMb > 0;
        int blobs = largeBlob ? 1 : setting(args, 0, "BENCH_BLOBS", 40);
        int recordBytes = setting(args, 2, "BENCH_RECORD_BYTES", 2000);
        int recordsPerBlob = largeBlob ? (int) (largeBlobMb * 1024L * 1024L / recordBytes)
                : setting(args, 1, "BENCH_RECORDS", 1000);
        long timeoutS = setting(new String[0], 9, "BENCH_TIMEOUT_S", 900);
        int concurrency = setting(new String[0], 9, "BENCH_CONCURRENCY", 0);
        BenchTenants tenants = BenchTenants.of(setting(new String[0], 9, "BENCH_TENANTS", 1), SEED);
        String xmx = System.getenv().getOrDefault("BENCH_COLLECTOR_XMX", largeBlob ? "256m" : "512m");
        String collectorOpts = System.getenv().getOrDefault("BENCH_COLLECTOR_OPTS", "");
        List<String> contentTypes = largeBlob ? List.of("Audit.General") : ManagementApiSimulator.ALL_CONTENT_TYPES;

        Path jar = Path.of("target/o365-audit-camel.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the collector first: mvn -B -q package -DskipTests");
        }
        Path kafkaDir = Files.createTempDirectory("o365-bench-kafka");
        Path logFile = Files.createTempFile("o365-bench-collector", ".log");
        EmbeddedKafkaBroker broker = null;
        ManagementApiSimulator simulator = null;
        Process process = null;
        boolean done = false;
        try {
            broker = new EmbeddedKafkaBroker(kafkaDir, freePort()).start();
            simulator = simulator(tenants, contentTypes, blobs, recordsPerBlob, recordBytes, SEED);
            int expected = BenchTenants.recordCount(simulator);
            say("broker " + broker.bootstrapServers() + ", simulator " + simulator.baseUrl() + " with " + expected
                    + " records (" + tenants.count() + " tenant(s) x " + contentTypes.size() + " content types x "
                    + blobs + " blobs x " + recordsPerBlob + " records of ~" + recordBytes + " bytes)");

            // ---------------------------------------------------------------- the collector
            int managementPort = freePort();
            List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + xmx));
            if (!collectorOpts.isBlank()) {
                command.addAll(List.of(collectorOpts.trim().split("\\s+")));
            }
            command.addAll(collectorClassDataArchive());
            command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            Map<String, String> env = pb.environment();
            tenants.configure(env, simulator, "bench.content-refs");
            env.put("O365_LOGIN_URL", simulator.httpsBaseUrl());
            env.put("O365_TRUSTED_CERTIFICATES", simulator.serverCertificateFile().toString());
            env.put("O365_API_URL", simulator.baseUrl());
            env.put("KAFKA_BROKERS", broker.bootstrapServers());
            env.put("O365_POLL_INTERVAL", "2s");
            env.put("O365_SUBSCRIPTION_START_INTERVAL", "0s");
            env.put("O365_MANAGEMENT_PORT", String.valueOf(managementPort));
            env.put("O365_API_REQUESTS_PER_MINUTE", "100000");
            env.put("O365_TOPIC_PREFIX", PREFIX);
            env.put("O365_STATE_TOPIC", "bench.state");
            env.put("O365_DEADLETTER_TOPIC", "bench.deadletter");
            env.put("O365_CLUSTER_DIRECTORY", kafkaDir.resolve("cluster").toString());
            env.put("O365_CONTENT_TYPES", String.join(",", contentTypes));
            if (concurrency > 0) {
                env.put("O365_FETCH_CONCURRENCY", String.valueOf(concurrency));
            }
            // producer tuning to compare, passed on as given
            for (String tuning : List.of("KAFKA_PRODUCER_LINGER_MS", "KAFKA_PRODUCER_COMPRESSION")) {
                if (System.getenv(tuning) != null) {
                    env.put(tuning, System.getenv(tuning));
                }
            }

            List<String> topics = new ArrayList<>();
            for (String type : contentTypes) {
                topics.add(PREFIX + type.toLowerCase(Locale.ROOT));
            }
            long count = 0;
            long valueBytes = 0;
            double firstRecordS = -1;
            CollectorProbes.CpuSplit cpuAtFirst = null;
            long countAtFirst = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = counterOf(broker.bootstrapServers(), topics)) {
                say("starting the collector (log: " + logFile + ")");
                long start = System.nanoTime();
                process = pb.start();
                // Jolokia's one attribute rather than the whole Prometheus page, which the Kafka clients' metrics make long: a
                // scrape every 500 ms would be a cost of the benchmark's, not of the collector's
                CollectorProbes.Sampler sampler = new CollectorProbes.Sampler("http://localhost:" + managementPort
                        + "/observe/jolokia/read/java.lang:type=Memory/HeapMemoryUsage/used", process.pid());
                sampler.start();
                long deadline = start + Duration.ofSeconds(timeoutS).toNanos();
                long nextReport = start + Duration.ofSeconds(10).toNanos();
                while (count < expected) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the collector exited with " + process.exitValue()
                                + " after " + count + " records; see " + logFile);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timeout after " + timeoutS + " s: " + count + " of "
                                + expected + " records; see " + logFile);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        count++;
                        valueBytes += r.value() == null ? 0 : r.value().length;
                        tenants.count(r);
                    }
                    if (firstRecordS < 0 && count > 0) {
                        firstRecordS = seconds(System.nanoTime() - start);
                        // what start-up cost: the steady figure per record leaves it out
                        cpuAtFirst = CollectorProbes.cpuSplit(process);
                        countAtFirst = count;
                    }
                    if (System.nanoTime() > nextReport) {
                        nextReport += Duration.ofSeconds(10).toNanos();
                        say(count + " of " + expected + " records after "
                                + String.format(Locale.ROOT, "%.1f", seconds(System.nanoTime() - start)) + " s");
                    }
                }
                double drainS = seconds(System.nanoTime() - start);
                sampler.stop();
                BenchTenants.Startup startup = BenchTenants.startup(simulator, start);
                long pid = process.pid();
                CollectorProbes.CpuSplit cpuAtEnd = CollectorProbes.cpuSplit(process);
                double cpuS = cpuAtEnd.totalS();
                int threads = CollectorProbes.threadCount(pid);
                double rssMb = CollectorProbes.peakRssMb(pid);
                double heapMb = sampler.maxBytes() / (1024.0 * 1024.0);
                say("collector drained " + count + " records in " + String.format(Locale.ROOT, "%.2f", drainS)
                        + " s (first listing after " + String.format(Locale.ROOT, "%.2f", startup.firstListingS())
                        + " s, every tenant's after " + String.format(Locale.ROOT, "%.2f",
                        startup.everyTenantListedS()) + " s, first record after "
                        + String.format(Locale.ROOT, "%.2f", firstRecordS) + " s)");
                List<String> mismatches = tenants.mismatches(simulator);
                if (!mismatches.isEmpty()) {
                    throw new IllegalStateException("records seen not once each per tenant: " + mismatches);
                }
                stop(process);
                process = null;

                // ---------------------------------------------------------------- the baseline
                BaselineProducer.Result base = BaselineProducer.send(broker.bootstrapServers(),
                        BenchTenants.recordValues(simulator));
                say("baseline sent " + base.records() + " records in "
                        + String.format(Locale.ROOT, "%.2f", base.seconds()) + " s");

                int blobGets = BenchTenants.blobGets(simulator);
                BenchmarkResult.Cpu cpu = new BenchmarkResult.Cpu(cpuAtEnd, cpuAtEnd.minus(cpuAtFirst),
                        count - countAtFirst, base.cpuSeconds(), base.records(), threads,
                        Math.max(sampler.maxThreads(), threads));
                BenchmarkResult r = new BenchmarkResult(tenants.count(), startup, cpu, count, count / drainS,
                        base.records() / base.seconds(), valueBytes / (1024.0 * 1024.0) / drainS, cpuS, heapMb, rssMb,
                        drainS, firstRecordS, valueBytes, base.bytes() / (1024.0 * 1024.0) / base.seconds(), blobs,
                        recordsPerBlob, recordBytes, contentTypes.size(), BenchTenants.blobCount(simulator), blobGets,
                        concurrency > 0 ? String.valueOf(concurrency) : "4 (default)", xmx, largeBlob);
                out.println(r.json());
                out.flush();
                Path doc = Path.of(largeBlob ? "docs/benchmarks-large-blob.md" : "docs/benchmarks.md");
                Files.createDirectories(doc.getParent());
                Files.writeString(doc, r.markdown());
                say("wrote " + doc);
                done = true;
            }
        } finally {
            if (process != null) {
                stop(process);
            }
            if (simulator != null) {
                simulator.close();
            }
            if (broker != null) {
                broker.close();
            }
            deleteQuietly(kafkaDir.toFile());
            removeLogUnlessKept(logFile, done, "the collector");
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ result

    static int setting(String[] args, int index, String env, int fallback) {
        String value = index < args.length ? args[index] : System.getenv(env);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        int n = Integer.parseInt(value.trim());
        if (n < 1) {
            throw new IllegalArgumentException(env + " must be at least 1: " + value);
        }
        return n;
    }

    private static void createTopics(String brokers, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            List<NewTopic> wanted = new ArrayList<>();
            for (String topic : topics) {
                wanted.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
            }
            admin.createTopics(wanted).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The benchmark's simulator, started: the tenants' volume, one day of backlog, pages of 100 blobs. */
    static ManagementApiSimulator simulator(BenchTenants tenants, List<String> contentTypes, int blobs,
            int recordsPerBlob, int recordBytes, long seed) {
        ManagementApiSimulator simulator = tenants.serve(ManagementApiSimulator.builder())
                .contentTypes(contentTypes)
                .blobsPerContentType(blobs)
                .recordsPerBlob(recordsPerBlob)
                .recordSizeBytes(recordBytes)
                .backlog(Duration.ofDays(1))
                .pageSize(100)
                .seed(seed)
                .build();
        simulator.start();
        return simulator;
    }

    /**
     * The consumer that counts the records, ready before the clock starts: the topics exist (as the collector would
     * create them: broker default partitions), and it reads assigned partitions from their beginning, so that no
     * group rebalance falls in the measured time.
     */
    static KafkaConsumer<byte[], byte[]> counterOf(String brokers, List<String> topics) throws Exception {
        createTopics(brokers, topics);
        KafkaConsumer<byte[], byte[]> consumer = counter(brokers);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        consumer.poll(Duration.ofMillis(100));
        return consumer;
    }

    private static KafkaConsumer<byte[], byte[]> counter(String brokers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** A record's header as text, {@code (none)} when it has none. */
    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "(none)" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A record's key as text. */
    static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8);
    }

    /**
     * A collector's log after the run: deleted when the run worked, kept when it failed, and kept with
     * BENCH_KEEP_LOG=1 after a run that worked too, to read where the time went.
     */
    static void removeLogUnlessKept(Path log, boolean runWorked, String whose) throws IOException {
        if (runWorked && !"1".equals(System.getenv("BENCH_KEEP_LOG"))) {
            Files.deleteIfExists(log);
        } else {
            say("the log of " + whose + " is kept: " + log);
        }
    }

    static void say(String line) {
        System.err.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " [bench] " + line);
    }
}
