package io.github.o365auditcamel.bench;

import static io.github.o365auditcamel.bench.Benchmark.header;
import static io.github.o365auditcamel.bench.Benchmark.key;
import static io.github.o365auditcamel.bench.Benchmark.say;
import static io.github.o365auditcamel.bench.Benchmark.seconds;
import static io.github.o365auditcamel.bench.Benchmark.setting;
import static io.github.o365auditcamel.testing.LocalMachine.deleteQuietly;
import static io.github.o365auditcamel.testing.LocalMachine.freePort;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.Faults;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Throttled-tenant benchmark (issue 16, "a tenant throttled on every call among 100: the other 99 drain as fast as
 * without it"): one collector (the production jar) and BENCH_TENANTS (default 100) simulated tenants, run twice back to
 * back, each time with a fresh broker and simulator: first with no tenant throttled, then with the first
 * BENCH_THROTTLED_TENANTS (default 1) answered AF429 (HTTP 429, {@code Retry-After: BENCH_RETRY_AFTER_S}, default 10)
 * on every API call, its subscription starts, listings and blob GETs alike. Each run lasts until every record of the
 * tenants not throttled is in Kafka (the throttled tenant's never come: each of its calls is refused), then reads on
 * BENCH_SETTLE_S (default 5) and checks those tenants' records once each. The figure to compare is their drain time.
 * Thread dumps every 5 s and at the end count the collector's listing threads asleep in a retry. Prints one JSON line on
 * stdout and rewrites docs/benchmarks-throttled-tenant.md. Run it with bench/throttled-tenant.sh.
 *
 * <p>Volume per tenant: BENCH_BLOBS (default 1) blobs per content type of BENCH_RECORDS (default 20) records;
 * BENCH_COLLECTOR_XMX (default 512m); BENCH_POLL_INTERVAL (default 2s); BENCH_TIMEOUT_S (default 900).
 * BENCH_THROTTLED_ONLY=1 runs the throttled case only.
 */
public final class ThrottledTenantBenchmark {

    private static final long SEED = 7L;

    private ThrottledTenantBenchmark() {
    }

    /** One run's figures. */
    record Run(int throttled, int records, double drainS, double firstListingS, double everyTenantListedS,
            double firstRecordS, long duplicates, int tenantsWrong, long throttledRecords, int throttledAnswers,
            int throttledApiCalls, int peakThreads, double peakRssMb, double cpuS, int threadsRetrying,
            int listingThreadsRetrying, double meanListingThreadsRetrying, int maxListingThreadsRetrying,
            int dumps) {

        /** From the first listing to the last record: the collector's start-up left out. */
        double drainAfterFirstListingS() {
            return drainS - firstListingS;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"throttled_tenants\":%d,\"records\":%d,\"drain_s\":%.2f,"
                            + "\"first_listing_s\":%.2f,\"every_tenant_listed_s\":%.2f,\"first_record_s\":%.2f,"
                            + "\"duplicates\":%d,\"tenants_wrong\":%d,\"throttled_tenant_records\":%d,"
                            + "\"throttled_answers\":%d,\"throttled_tenant_api_calls\":%d,\"peak_threads\":%d,"
                            + "\"peak_rss_mb\":%.1f,\"cpu_s\":%.2f,\"threads_retrying_at_end\":%d,"
                            + "\"listing_threads_retrying_at_end\":%d,\"drain_after_first_listing_s\":%.2f,"
                            + "\"listing_threads_retrying_mean\":%.2f,\"listing_threads_retrying_max\":%d,"
                            + "\"thread_dumps\":%d}",
                    throttled, records, drainS, firstListingS, everyTenantListedS, firstRecordS, duplicates,
                    tenantsWrong, throttledRecords, throttledAnswers, throttledApiCalls, peakThreads, peakRssMb, cpuS,
                    threadsRetrying, listingThreadsRetrying, drainAfterFirstListingS(), meanListingThreadsRetrying,
                    maxListingThreadsRetrying, dumps);
        }
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err);
        int tenantCount = setting(args, 0, "BENCH_TENANTS", 100);
        int throttled = setting(args, 1, "BENCH_THROTTLED_TENANTS", 1);
        if (throttled >= tenantCount) {
            throw new IllegalArgumentException("BENCH_THROTTLED_TENANTS must be below BENCH_TENANTS");
        }
        int retryAfterS = Integer.parseInt(System.getenv().getOrDefault("BENCH_RETRY_AFTER_S", "10").trim());
        boolean throttledOnly = "1".equals(System.getenv("BENCH_THROTTLED_ONLY"));
        List<Run> runs = new ArrayList<>();
        if (!throttledOnly) {
            runs.add(run(tenantCount, 0, retryAfterS));
        }
        runs.add(run(tenantCount, throttled, retryAfterS));
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                "{\"tenants\":%d,\"retry_after_s\":%d,\"runs\":[", tenantCount, retryAfterS));
        for (int i = 0; i < runs.size(); i++) {
            json.append(i == 0 ? "" : ",").append(runs.get(i).json());
        }
        out.println(json.append("]}"));
        out.flush();
        Path doc = Path.of("docs/benchmarks-throttled-tenant.md");
        Files.writeString(doc, markdown(tenantCount, retryAfterS, runs,
                Files.exists(doc) ? Files.readString(doc) : ""));
        say("wrote " + doc);
        System.exit(0);
    }

    private static Run run(int tenantCount, int throttledCount, int retryAfterS) throws Exception {
        int blobs = setting(new String[0], 0, "BENCH_BLOBS", 1);
        int recordsPerBlob = setting(new String[0], 0, "BENCH_RECORDS", 20);
        int settleS = setting(new String[0], 0, "BENCH_SETTLE_S", 5);
        long timeoutS = setting(new String[0], 0, "BENCH_TIMEOUT_S", 900);
        String xmx = System.getenv().getOrDefault("BENCH_COLLECTOR_XMX", "512m");
        String pollInterval = System.getenv().getOrDefault("BENCH_POLL_INTERVAL", "2s");
        List<String> contentTypes = ManagementApiSimulator.ALL_CONTENT_TYPES;
        BenchTenants tenants = BenchTenants.of(tenantCount, SEED);

        Path kafkaDir = Files.createTempDirectory("o365-bench-kafka");
        EmbeddedKafkaBroker broker = null;
        ManagementApiSimulator simulator = null;
        BenchCollector collector = null;
        boolean done = false;
        try {
            broker = new EmbeddedKafkaBroker(kafkaDir, freePort()).start();
            simulator = Benchmark.simulator(tenants, contentTypes, blobs, recordsPerBlob, 2000, SEED);
            // the first tenants (t1, ...: the first to start their subscriptions) refuse every call
            Set<String> throttledIds = new TreeSet<>(simulator.tenantIds().subList(0, throttledCount));
            for (String id : throttledIds) {
                simulator.tenant(id).faults(new Faults(1.0, 429, retryAfterS, 0, 0));
            }
            List<SimulatedTenant> steady = simulator.tenantIds().stream()
                    .filter(id -> !throttledIds.contains(id)).map(simulator::tenant).toList();
            int expected = steady.stream().mapToInt(SimulatedTenant::recordCount).sum();
            say("run with " + throttledCount + " of " + tenantCount + " tenants throttled (AF429, Retry-After "
                    + retryAfterS + " s, every call): waiting for the others' " + expected + " records");

            List<String> topics = contentTypes.stream().map(t -> BenchCollector.PREFIX + t.toLowerCase(Locale.ROOT))
                    .toList();
            Map<String, Integer> copies = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = Benchmark.counterOf(broker.bootstrapServers(), topics)) {

                long start = System.nanoTime();
                collector = BenchCollector.start("bench-1", tenants, simulator, broker.bootstrapServers(),
                        kafkaDir.resolve("cluster"), contentTypes, pollInterval, xmx, "", Map.of());
                say("started the collector (log: " + collector.log + ")");
                long deadline = start + Duration.ofSeconds(timeoutS).toNanos();
                long nextReport = start + Duration.ofSeconds(10).toNanos();
                long steadySeen = 0;
                long throttledSeen = 0;
                double firstRecordS = -1;
                // every 5 s, a thread dump: how many listing threads sleep in a retry (of the throttled tenant's)
                long nextDump = start + Duration.ofSeconds(5).toNanos();
                int dumps = 0;
                long listingRetryingSum = 0;
                int listingRetryingMax = 0;
                while (steadySeen < expected) {
                    if (System.nanoTime() > nextDump) {
                        nextDump += Duration.ofSeconds(5).toNanos();
                        int[] now = collector.threadsWaitingToRetry();
                        if (now[1] >= 0) {
                            dumps++;
                            listingRetryingSum += now[1];
                            listingRetryingMax = Math.max(listingRetryingMax, now[1]);
                        }
                    }
                    if (!collector.isAlive()) {
                        throw new IllegalStateException("the collector exited; see " + collector.log);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("timeout after " + timeoutS + " s: " + steadySeen + " of "
                                + expected + " records; see " + collector.log);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        String tenantId = header(r, "o365.tenantId");
                        tenants.count(r);
                        if (throttledIds.contains(tenantId)) {
                            throttledSeen++;
                        } else if (copies.merge(tenantId + '|' + r.topic() + '|' + key(r), 1, Integer::sum) == 1) {
                            steadySeen++;
                        }
                    }
                    if (firstRecordS < 0 && steadySeen > 0) {
                        firstRecordS = seconds(System.nanoTime() - start);
                    }
                    if (System.nanoTime() > nextReport) {
                        nextReport += Duration.ofSeconds(10).toNanos();
                        say(steadySeen + " of " + expected + " records after "
                                + String.format(Locale.ROOT, "%.1f", seconds(System.nanoTime() - start)) + " s");
                    }
                }
                double drainS = seconds(System.nanoTime() - start);
                int[] retrying = collector.threadsWaitingToRetry();
                long settleEnd = System.nanoTime() + Duration.ofSeconds(settleS).toNanos();
                while (System.nanoTime() < settleEnd) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        String tenantId = header(r, "o365.tenantId");
                        tenants.count(r);
                        if (throttledIds.contains(tenantId)) {
                            throttledSeen++;
                        } else {
                            copies.merge(tenantId + '|' + r.topic() + '|' + key(r), 1, Integer::sum);
                        }
                    }
                }
                collector.sampler.stop();
                long duplicates = copies.values().stream().mapToLong(n -> n - 1).sum();
                // the throttled tenants' counts are expected to be off: nothing of theirs gets through
                List<String> wrong = tenants.mismatches(simulator).stream()
                        .filter(m -> throttledIds.stream().noneMatch(m::startsWith)).toList();
                double first = Double.MAX_VALUE;
                double last = 0;
                for (SimulatedTenant t : steady) {
                    OptionalLong at = t.firstListingNanoTime();
                    double s = at.isPresent() ? seconds(at.getAsLong() - start) : -1;
                    first = s < 0 ? first : Math.min(first, s);
                    last = s < 0 || last < 0 ? -1 : Math.max(last, s);
                }
                ManagementApiSimulator served = simulator;
                int throttledAnswers = throttledIds.stream().mapToInt(id -> served.tenant(id).throttledCount()).sum();
                int throttledCalls = throttledIds.stream().mapToInt(id -> served.tenant(id).totalApiCalls()).sum();
                Run run = new Run(throttledCount, expected, drainS, first, last, firstRecordS, duplicates,
                        wrong.size(), throttledSeen, throttledAnswers, throttledCalls,
                        collector.sampler.maxThreads(), CollectorProbes.peakRssMb(collector.process.pid()),
                        CollectorProbes.cpuSeconds(collector.process), retrying[0], retrying[1],
                        dumps == 0 ? -1 : listingRetryingSum / (double) dumps, listingRetryingMax, dumps);
                say("run with " + throttledCount + " throttled: " + run.json());
                if (duplicates > 0 || !wrong.isEmpty()) {
                    throw new IllegalStateException("not every record of the tenants not throttled once: "
                            + duplicates + " copies too many; " + wrong.stream().limit(20).toList());
                }
                done = true;
                return run;
            }
        } finally {
            if (collector != null) {
                collector.stop();
            }
            if (simulator != null) {
                simulator.close();
            }
            if (broker != null) {
                broker.close();
            }
            deleteQuietly(kafkaDir.toFile());
            if (collector != null) {
                Benchmark.removeLogUnlessKept(collector.log, done, "the collector");
            }
        }
    }

    /** The page: this invocation's runs, then what the page had from its section "## Runs" on (kept by hand). */
    private static String markdown(int tenants, int retryAfterS, List<Run> runs, String before) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks: one tenant throttled on every call\n\n");
        md.append("Issue 16's target \"a tenant throttled on every call among 100: the other 99 drain as fast as"
                + " without it\", measured with `bench/throttled-tenant.sh` (class"
                + " `io.github.o365auditcamel.bench.ThrottledTenantBenchmark`, on the test classpath), "
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ", " + Runtime.getRuntime()
                .availableProcessors() + " cores shared with the broker, the simulator and other work.\n\n");
        md.append("```\nBENCH_TENANTS=" + tenants + " BENCH_THROTTLED_TENANTS=" + runs.get(runs.size() - 1).throttled()
                + " BENCH_RETRY_AFTER_S=" + retryAfterS + " bench/throttled-tenant.sh\n```\n\n");
        md.append("One collector (the production jar, `-Xmx512m`, poll interval 2 s, API rate limit raised to 100,000"
                + " requests/min, the collector's defaults otherwise: 8 listing threads, 4 fetchers, 6 retries of a"
                + " throttled call) and " + tenants + " simulated tenants of 5 content types x 1 blob x 20 records"
                + " each (as in [benchmarks-tenants.md](benchmarks-tenants.md)), run twice back to back with a fresh"
                + " broker and simulator: once with no tenant throttled, once with the first "
                + runs.get(runs.size() - 1).throttled() + " tenant(s) (`t1`, ...: the first whose subscriptions are"
                + " started) answered AF429 (HTTP 429, `Retry-After: " + retryAfterS + "`) on every API call."
                + " Drain is from starting the collector until every record of the tenants **not** throttled"
                + " is in Kafka (`read_committed`), each once; the throttled tenant's records never arrive during"
                + " the run, since each of its calls is refused.\n\n");
        md.append("| tenants throttled | records of the others | drain (s) | first listing / every other tenant's"
                + " first listing (s) | drain after the first listing (s) | duplicates / tenants wrong |"
                + " throttled tenant: records / AF429 answers | listing threads asleep in a retry: mean / most"
                + " (thread dumps every 5 s) | peak threads | peak RSS (MB) | collector CPU (s) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %d | %,d | %.1f | %.1f / %.1f | %.1f | %d / %d | %d / %d |"
                            + " %.1f / %d of 8 (%d dumps) | %d | %.0f | %.1f |\n", r.throttled(), r.records(),
                    r.drainS(), r.firstListingS(), r.everyTenantListedS(), r.drainAfterFirstListingS(),
                    r.duplicates(), r.tenantsWrong(), r.throttledRecords(), r.throttledAnswers(),
                    r.meanListingThreadsRetrying(), r.maxListingThreadsRetrying(), r.dumps(), r.peakThreads(),
                    r.peakRssMb(), r.cpuS()));
        }
        int kept = before.indexOf("\n## Runs");
        if (kept >= 0) {
            md.append(before.substring(kept));
        }
        return md.toString();
    }
}
