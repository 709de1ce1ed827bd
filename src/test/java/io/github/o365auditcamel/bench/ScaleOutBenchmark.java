package io.github.o365auditcamel.bench;

import static io.github.o365auditcamel.bench.Benchmark.header;
import static io.github.o365auditcamel.bench.Benchmark.key;
import static io.github.o365auditcamel.bench.Benchmark.say;
import static io.github.o365auditcamel.bench.Benchmark.seconds;
import static io.github.o365auditcamel.bench.Benchmark.setting;
import static io.github.o365auditcamel.testing.LocalMachine.deleteQuietly;
import static io.github.o365auditcamel.testing.LocalMachine.freePort;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Scale-out benchmark (issue 16, "1,000 tenants over 3 instances, one killed: every record once"): BENCH_INSTANCES
 * (default 3) collectors, the production jar each in its own JVM, share BENCH_TENANTS (default 1000) simulated tenants
 * through one broker, one content-refs topic and one cluster directory (the file-lock leadership of the listing
 * shards). Once BENCH_KILL_AT percent (default 30; 0: none killed) of the records are in Kafka, the instance leading the
 * most listing shards is killed (SIGKILL); the benchmark waits for every record, reads on for BENCH_SETTLE_S (default
 * 10) to catch copies published late, and checks that each record is in Kafka once (by tenant, topic and key) and
 * that each tenant has all of its records ({@link BenchTenants#mismatches}). Prints one JSON line on stdout and keeps a
 * row per scale in docs/benchmarks-scale-out.md. Run it with bench/scale-out.sh.
 *
 * <p>Volume per tenant: BENCH_BLOBS (default 1) blobs per content type of BENCH_RECORDS (default 5) records of
 * ~BENCH_RECORD_BYTES (default 2000). BENCH_COLLECTOR_XMX (default 384m) is each instance's heap, BENCH_COLLECTOR_OPTS
 * JVM options of each, BENCH_POLL_INTERVAL (default 2s) the poll interval, BENCH_TIMEOUT_S (default 1800) caps the
 * wait. KAFKA_TRANSACTION_TIMEOUT, when set, is passed on (default the collector's, 60 s: how long a transaction the
 * killed instance left open holds back read_committed consumers).
 */
public final class ScaleOutBenchmark {

    private static final long SEED = 7L;
    private static final Pattern LEADS = Pattern.compile("now lists the content of .* \\((\\S+)\\)\\s*$");
    private static final Pattern LEFT = Pattern.compile("no longer lists the content of .* \\((\\S+)\\);");

    private ScaleOutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);

        BenchTenants tenants = BenchTenants.of(setting(args, 0, "BENCH_TENANTS", 1000), SEED);
        int instances = setting(args, 1, "BENCH_INSTANCES", 3);
        String killAtText = args.length > 2 ? args[2] : System.getenv().getOrDefault("BENCH_KILL_AT", "30");
        int killAtPercent = Integer.parseInt(killAtText.trim());
        if (killAtPercent < 0 || killAtPercent >= 100 || (killAtPercent > 0 && instances < 2)) {
            throw new IllegalArgumentException("BENCH_KILL_AT must be 0 (none killed) or 1..99 with 2 instances or"
                    + " more: " + killAtText);
        }
        int blobs = setting(new String[0], 0, "BENCH_BLOBS", 1);
        int recordsPerBlob = setting(new String[0], 0, "BENCH_RECORDS", 5);
        int recordBytes = setting(new String[0], 0, "BENCH_RECORD_BYTES", 2000);
        int settleS = setting(new String[0], 0, "BENCH_SETTLE_S", 10);
        long timeoutS = setting(new String[0], 0, "BENCH_TIMEOUT_S", 1800);
        String xmx = System.getenv().getOrDefault("BENCH_COLLECTOR_XMX", "384m");
        String jvmOptions = System.getenv().getOrDefault("BENCH_COLLECTOR_OPTS", "");
        String pollInterval = System.getenv().getOrDefault("BENCH_POLL_INTERVAL", "2s");
        List<String> contentTypes = ManagementApiSimulator.ALL_CONTENT_TYPES;

        Path kafkaDir = Files.createTempDirectory("o365-bench-kafka");
        Map<String, BenchCollector> collectors = new LinkedHashMap<>();
        EmbeddedKafkaBroker broker = null;
        ManagementApiSimulator simulator = null;
        boolean done = false;
        try {
            broker = new EmbeddedKafkaBroker(kafkaDir, freePort()).start();
            simulator = Benchmark.simulator(tenants, contentTypes, blobs, recordsPerBlob, recordBytes, SEED);
            int expected = BenchTenants.recordCount(simulator);
            long killAtRecords = killAtPercent == 0 ? Long.MAX_VALUE : (long) expected * killAtPercent / 100;
            say("broker " + broker.bootstrapServers() + ", simulator " + simulator.baseUrl() + " with " + expected
                    + " records (" + tenants.count() + " tenant(s) x " + contentTypes.size() + " content types x "
                    + blobs + " blobs x " + recordsPerBlob + " records); " + instances + " instances, "
                    + (killAtPercent == 0 ? "none killed" : "one killed at " + killAtPercent + " %"));

            List<String> topics = contentTypes.stream().map(t -> BenchCollector.PREFIX + t.toLowerCase(Locale.ROOT))
                    .toList();
            // every copy of a record: tenant id, topic and key (the record's Id)
            Map<String, Integer> copies = new HashMap<>(expected * 2);
            Map<String, Long> byInstance = new TreeMap<>();
            // the listing shards each instance leads now, from its log
            Map<String, Set<String>> shards = new TreeMap<>();
            long count = 0;
            double firstRecordS = -1;
            String killed = null;
            double killedAtS = -1;
            long recordsAtKill = 0;
            int shardsOfKilled = 0;
            double cpuOfKilled = 0;
            double takeoverS = -1;
            int shardCount = -1;
            double driverCpuAtStart = driverCpuSeconds();
            try (KafkaConsumer<byte[], byte[]> consumer = Benchmark.counterOf(broker.bootstrapServers(), topics)) {

                long start = System.nanoTime();
                Path clusterDirectory = kafkaDir.resolve("cluster");
                for (int i = 1; i <= instances; i++) {
                    String id = "bench-" + i;
                    BenchCollector c = BenchCollector.start(id, tenants, simulator, broker.bootstrapServers(),
                            clusterDirectory, contentTypes, pollInterval, xmx, jvmOptions, Map.of());
                    collectors.put(id, c);
                    shards.put(id, new TreeSet<>());
                    say("started " + id + " (log: " + c.log + ")");
                }
                long deadline = start + Duration.ofSeconds(timeoutS).toNanos();
                long nextReport = start + Duration.ofSeconds(10).toNanos();
                long nextLogRead = 0;
                while (copies.size() < expected) {
                    for (BenchCollector c : collectors.values()) {
                        if (!c.instanceId.equals(killed) && !c.isAlive()) {
                            throw new IllegalStateException(c.instanceId + " exited with " + c.process.exitValue()
                                    + " after " + copies.size() + " records; see " + c.log);
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timeout after " + timeoutS + " s: " + copies.size() + " of "
                                + expected + " records");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        count++;
                        tenants.count(r);
                        copies.merge(header(r, "o365.tenantId") + '|' + r.topic() + '|' + key(r), 1, Integer::sum);
                        byInstance.merge(header(r, "o365.instanceId"), 1L, Long::sum);
                    }
                    long now = System.nanoTime();
                    if (firstRecordS < 0 && count > 0) {
                        firstRecordS = seconds(now - start);
                    }
                    if (now > nextLogRead) {
                        nextLogRead = now + Duration.ofSeconds(1).toNanos();
                        readLeadership(collectors, killed, shards);
                        if (shardCount < 0 && !shards.isEmpty()) {
                            shardCount = shards.values().stream().mapToInt(Set::size).sum();
                        }
                        if (killed != null && takeoverS < 0 && leadersOfAll(shards, killed) >= shardCount) {
                            takeoverS = seconds(System.nanoTime() - start) - killedAtS;
                            say("the survivors lead all " + shardCount + " listing shards " + fmt(takeoverS)
                                    + " s after the kill: " + shards);
                        }
                    }
                    if (killed == null && copies.size() >= killAtRecords) {
                        readLeadership(collectors, null, shards);
                        shardCount = shards.values().stream().mapToInt(Set::size).sum();
                        // the instance that leads the most listing shards: it lists and fetches when it dies
                        killed = shards.entrySet().stream()
                                .max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                                .map(Map.Entry::getKey).orElseThrow();
                        BenchCollector victim = collectors.get(killed);
                        shardsOfKilled = shards.get(killed).size();
                        cpuOfKilled = CollectorProbes.cpuSeconds(victim.process);
                        victim.kill();
                        victim.sampler.stop();
                        killedAtS = seconds(System.nanoTime() - start);
                        recordsAtKill = copies.size();
                        shards.get(killed).clear();
                        say("killed " + killed + " (SIGKILL) after " + fmt(killedAtS) + " s with " + recordsAtKill
                                + " of " + expected + " records in Kafka; it led " + shardsOfKilled + " of "
                                + shardCount + " listing shards");
                    }
                    if (now > nextReport) {
                        nextReport += Duration.ofSeconds(10).toNanos();
                        say(copies.size() + " of " + expected + " records after " + fmt(seconds(now - start))
                                + " s; by instance " + byInstance);
                    }
                }
                double drainS = seconds(System.nanoTime() - start);
                BenchTenants.Startup startup = BenchTenants.startup(simulator, start);
                say("every record in Kafka after " + fmt(drainS) + " s (first listing " + fmt(startup.firstListingS())
                        + " s, every tenant's " + fmt(startup.everyTenantListedS()) + " s); reading on for " + settleS
                        + " s for late copies");
                long settleEnd = System.nanoTime() + Duration.ofSeconds(settleS).toNanos();
                while (System.nanoTime() < settleEnd) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        count++;
                        tenants.count(r);
                        copies.merge(header(r, "o365.tenantId") + '|' + r.topic() + '|' + key(r), 1, Integer::sum);
                        byInstance.merge(header(r, "o365.instanceId"), 1L, Long::sum);
                    }
                }
                long duplicates = copies.values().stream().mapToLong(n -> n - 1).sum();
                long lost = Math.max(0, expected - copies.size());
                List<String> mismatches = tenants.mismatches(simulator);

                List<ScaleOutResult.Instance> survivors = new ArrayList<>();
                for (BenchCollector c : collectors.values()) {
                    if (c.instanceId.equals(killed)) {
                        continue;
                    }
                    c.sampler.stop();
                    survivors.add(new ScaleOutResult.Instance(c.instanceId, c.sampler.maxThreads(),
                            CollectorProbes.peakRssMb(c.process.pid()), c.sampler.maxBytes() / (1024.0 * 1024.0),
                            CollectorProbes.cpuSeconds(c.process), byInstance.getOrDefault(c.instanceId, 0L)));
                }
                ScaleOutResult r = new ScaleOutResult(tenants.count(), instances, killAtPercent, killed, killedAtS,
                        recordsAtKill, shardsOfKilled, shardCount, takeoverS, cpuOfKilled,
                        byInstance.getOrDefault(killed == null ? "" : killed, 0L), expected, count, duplicates, lost,
                        mismatches.size(), drainS, firstRecordS, startup, survivors,
                        driverCpuSeconds() - driverCpuAtStart, blobs, recordsPerBlob, xmx, pollInterval, settleS);
                out.println(r.json());
                out.flush();
                Path doc = Path.of("docs/benchmarks-scale-out.md");
                Files.writeString(doc, r.markdown(Files.exists(doc) ? Files.readString(doc) : ""));
                say("wrote " + doc);
                if (duplicates > 0 || lost > 0 || !mismatches.isEmpty()) {
                    say("NOT every record once: " + duplicates + " copies too many, " + lost + " lost; tenants "
                            + mismatches.stream().limit(20).toList());
                    System.exit(1);
                }
                done = true;
            }
        } finally {
            for (BenchCollector c : collectors.values()) {
                c.stop();
            }
            if (simulator != null) {
                simulator.close();
            }
            if (broker != null) {
                broker.close();
            }
            deleteQuietly(kafkaDir.toFile());
            for (BenchCollector c : collectors.values()) {
                Benchmark.removeLogUnlessKept(c.log, done, c.instanceId);
            }
        }
        System.exit(0);
    }

    /** Reads the instances' new log lines for listing leadership taken or left (the killed one's no more). */
    private static void readLeadership(Map<String, BenchCollector> collectors, String killed,
            Map<String, Set<String>> shards) {
        for (BenchCollector c : collectors.values()) {
            if (c.instanceId.equals(killed)) {
                continue;
            }
            c.newLines(line -> {
                Matcher leads = LEADS.matcher(line);
                if (leads.find()) {
                    shards.get(c.instanceId).add(leads.group(1));
                }
                Matcher left = LEFT.matcher(line);
                if (left.find()) {
                    shards.get(c.instanceId).remove(left.group(1));
                }
            });
        }
    }

    /** The listing shards some instance but the killed one leads. */
    private static int leadersOfAll(Map<String, Set<String>> shards, String killed) {
        Set<String> led = new TreeSet<>();
        shards.forEach((id, own) -> {
            if (!id.equals(killed)) {
                led.addAll(own);
            }
        });
        return led.size();
    }

    /** CPU seconds of this JVM: the broker, the simulator and the counting consumer. */
    private static double driverCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
