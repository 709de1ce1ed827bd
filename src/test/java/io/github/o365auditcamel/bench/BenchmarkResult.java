package io.github.o365auditcamel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** One benchmark run's figures: the JSON line it prints, and the page it writes (docs/benchmarks.md). */
record BenchmarkResult(int tenants, BenchTenants.Startup startup, Cpu cpu, long records, double recordsPerS,
        double baselinePerS, double mbPerS, double cpuS,
        double peakHeapMb, double peakRssMb, double drainS, double firstRecordS, long valueBytes,
        double baselineMbPerS, int blobs, int recordsPerBlob, int recordBytes, int contentTypes,
        int totalBlobs, int blobGets, String concurrency, String xmx, boolean largeBlob) {

    /** Records per second from the first record to the last: start-up left out. */
    double steadyPerS() {
        return records / Math.max(drainS - firstRecordS, 1e-3);
    }

    String json() {
        return String.format(Locale.ROOT, "{\"records\":%d,\"records_per_s\":%.1f,\"baseline_records_per_s\":%.1f,"
                        + "\"ratio\":%.3f,\"steady_records_per_s\":%.1f,\"steady_ratio\":%.3f,\"mb_per_s\":%.2f,"
                        + "\"cpu_s\":%.2f,\"peak_heap_mb\":%.1f,\"peak_rss_mb\":%.1f,\"drain_s\":%.2f,"
                        + "\"blobs\":%d,\"blob_gets\":%d,\"fetch_concurrency\":\"%s\",\"collector_xmx\":\"%s\","
                        + "\"cpu_us_per_record\":%.1f,\"steady_cpu_us_per_record\":%.1f,"
                        + "\"baseline_cpu_us_per_record\":%.1f,\"steady_cpu_ratio\":%.1f,\"threads\":%d,"
                        + "\"first_record_s\":%.2f,\"jit_cpu_s\":%.2f,\"gc_cpu_s\":%.2f,"
                        + "\"steady_work_cpu_us_per_record\":%.1f,\"steady_work_cpu_ratio\":%.1f,\"tenants\":%d,"
                        + "\"startup_s\":%.2f,\"every_tenant_listed_s\":%.2f,\"peak_threads\":%d,"
                        + "\"class_data_archive\":%b}",
                records, recordsPerS, baselinePerS, recordsPerS / baselinePerS, steadyPerS(),
                steadyPerS() / baselinePerS, mbPerS, cpuS, peakHeapMb, peakRssMb, drainS, totalBlobs, blobGets,
                concurrency, xmx, cpu.microsPerRecord(records), cpu.steadyMicrosPerRecord(),
                cpu.baselineMicrosPerRecord(), cpu.steadyMicrosPerRecord() / cpu.baselineMicrosPerRecord(),
                cpu.threads(), firstRecordS, cpu.all().jitS(), cpu.all().gcS(), cpu.steadyWorkMicrosPerRecord(),
                cpu.steadyWorkMicrosPerRecord() / cpu.baselineMicrosPerRecord(), tenants, startup.firstListingS(),
                startup.everyTenantListedS(), cpu.peakThreads(), classDataArchive());
    }

    /** Whether the collector was started with its class data archive (as bin/run starts it). */
    private static boolean classDataArchive() {
        return !Benchmark.collectorClassDataArchive().isEmpty();
    }

    String markdown() {
        String machine = Runtime.getRuntime().availableProcessors() + " cores (nproc), " + cpuModel() + ", "
                + memTotal() + ", Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch");
        StringBuilder md = new StringBuilder();
        md.append(largeBlob ? "# Benchmark: one large blob\n\n" : "# Benchmarks\n\n");
        md.append("The collector's throughput benchmark (issue 7); [profile.md](profile.md) says where the time goes,"
                + " [benchmarks-tenants.md](benchmarks-tenants.md) what each tenant costs,"
                + " [benchmarks-record-headers.md](benchmarks-record-headers.md) what the record headers and routing"
                + " rules cost per record (284 and 114 to 269 ns, against 116 µs of CPU a record all counted)."
                + " Run it with\n\n");
        md.append("```\nbench/run.sh                  # defaults: 5 content types x 40 blobs x 1,000 records of"
                + " ~2 KB\nBENCH_BLOBS=10 BENCH_RECORDS=500 BENCH_RECORD_BYTES=2000 bench/run.sh\n"
                + "BENCH_CONCURRENCY=8 bench/run.sh   # fetchers per instance (default 4)\n"
                + "BENCH_TENANTS=100 BENCH_BLOBS=1 BENCH_RECORDS=100 bench/run.sh   # 100 tenants, each with that"
                + " volume\n"
                + "BENCH_LARGE_BLOB_MB=300 bench/run.sh   # one 300 MB blob, collector heap 256 MB:"
                + " docs/benchmarks-large-blob.md\n```\n\n");
        md.append("`bench/run.sh` builds if needed and runs `io.github.o365auditcamel.bench.Benchmark` from the test"
                + " classpath. It prints one JSON line on stdout (everything else goes to stderr) and rewrites"
                + " this file.\n\n");
        md.append("## What is measured\n\n");
        md.append("- **Setup.** An in-process single-node Kafka broker (KRaft, `EmbeddedKafkaBroker`) and the Office"
                + " 365 Management API simulator (`ManagementApiSimulator`, fixed seed, one day of backlog, listing"
                + " pages of 100 blobs) in the driver's JVM; the production jar, unchanged, as a child process"
                + " (`java -Xmx" + xmx + (classDataArchive() ? " -XX:SharedArchiveFile=target/o365-audit-camel.jsa"
                : "") + " -jar target/o365-audit-camel.jar`" + (classDataArchive()
                ? ", with the class data archive that `bin/class-data-archive` builds and `bin/run` uses"
                : ", without a class data archive (`bin/class-data-archive` had not built one)")
                + ", poll interval 2 s, fetch concurrency "
                + concurrency + ", client-side API rate"
                + " limit raised to 100,000 requests/min so it does not cap the run). Everything on one machine,"
                + " so the collector shares the CPUs with the broker, the simulator and the counting consumer.\n");
        md.append("- **Tenants.** `BENCH_TENANTS` (default 1): the simulator serves that many tenants, each with the"
                + " whole volume (`BENCH_BLOBS` and `BENCH_RECORDS` are per tenant) and a tenant id of its own (GUIDs"
                + " drawn from the seed). The collector gets `O365_TENANTS=t1,t2,...` and"
                + " `O365_TENANT_<NAME>_TENANT_ID` for each, one app registration for all (the top-level client id"
                + " and secret, which every simulated tenant accepts), the default topic layout (all tenants share"
                + " one topic per content type, and one content-refs topic) and no per-tenant setting but the tenant"
                + " id. One tenant is set up as before: the simulator's default"
                + " tenant, `O365_TENANT_ID`. The counting consumer counts every tenant's records, and checks each"
                + " tenant's count by the records' `o365.tenantId` header.\n");
        md.append("- **Collector.** Drain time is from starting the collector process (JVM start-up, Camel start,"
                + " subscription start and the first listing included) until a `read_committed` consumer has"
                + " seen every record the simulator holds in the `bench.<content type>` topics (created"
                + " beforehand with the broker's default partitions, read by assigned partitions, no consumer"
                + " group)."
                + " records/s = records / drain time; MB/s = sum of record value bytes / drain time.\n");
        md.append("- **Start-up.** From starting the collector process until its first content listing call reaches"
                + " the simulator (of any tenant; the simulator notes when each tenant's first arrived), and until"
                + " every tenant has had one; then until the counting consumer sees the first record.\n");
        md.append("- **Baseline.** A plain `KafkaProducer` loop with the collector's producer settings (acks=all,"
                + " idempotence, lz4, linger 20 ms, batch 128 KB; no transactions, one producer) sends the same"
                + " records (same bytes, same keys) to `bench.baseline` on the same broker, after the collector"
                + " has stopped; timed from the first send to the end of `flush()`. It is the ceiling for"
                + " \"getting these bytes into this broker\" on this machine: no HTTP, no JSON parsing, no"
                + " transactions, no start-up.\n");
        md.append("- **Collector resources.** CPU seconds (user + system, `/proc/<pid>/stat`) and peak RSS"
                + " (`VmHWM`) of the collector process at the end of the drain; peak heap is the largest heap in use"
                + " (`java.lang:type=Memory` `HeapMemoryUsage.used`, read through its Jolokia endpoint) seen, sampled"
                + " every 500 ms; threads (`Threads` of `/proc/<pid>/status`) at the end of the drain, and the most"
                + " seen at those samples and the end.\n\n");
        md.append(largeBlob
                ? "One blob is one transaction: its records become visible to a `read_committed` consumer all at"
                + " once, when it commits, so the row \"after its first record\" means nothing here. The point"
                + " is the heap: the blob is streamed, never held.\n\n"
                : "With a backlog this small the collector's start-up (JVM, Camel, leader election, the first"
                + " listing) is a large part of the drain time; the row \"after its first record\" leaves it out."
                + " A week of backlog for a large tenant runs for hours, where start-up is noise.\n\n");
        md.append("The simulator's records are generated and compress well with lz4, so MB/s counts record bytes,"
                + " not bytes on the wire. This is one run, not an average: on a small shared machine runs vary"
                + " by a fifth or more, so run it a few times and read the ratio as an order of magnitude.\n\n");
        md.append("## Latest run\n\n");
        md.append("Date: ").append(LocalDate.now(ZoneOffset.UTC)).append(" (UTC). Machine: ").append(machine)
                .append(".\n\n");
        md.append(String.format(Locale.ROOT, "Volume: %s%d content types x %d blobs x %d records of ~%d bytes"
                + " (%,d records, %.1f MB of record values).%n%n", tenants > 1 ? tenants + " tenants x " : "",
                contentTypes, blobs, recordsPerBlob, recordBytes, records, valueBytes / (1024.0 * 1024.0)));
        md.append("| Measure | Value |\n|---|---:|\n");
        md.append(row("tenants", String.valueOf(tenants)));
        md.append(row("records", String.format(Locale.ROOT, "%,d", records)));
        md.append(row("drain time (s)", String.format(Locale.ROOT, "%.2f", drainS)));
        md.append(row("start-up: first listing call reached the simulator after (s)",
                String.format(Locale.ROOT, "%.2f", startup.firstListingS())));
        md.append(row("start-up: every tenant's first listing call after (s)",
                String.format(Locale.ROOT, "%.2f", startup.everyTenantListedS())));
        md.append(row("first record seen after (s)", String.format(Locale.ROOT, "%.2f", firstRecordS)));
        md.append(row("collector records/s", String.format(Locale.ROOT, "%,.0f", recordsPerS)));
        md.append(row("collector records/s after its first record", String.format(Locale.ROOT, "%,.0f",
                records / Math.max(drainS - firstRecordS, 1e-3))));
        md.append(row("baseline records/s", String.format(Locale.ROOT, "%,.0f", baselinePerS)));
        md.append(row("ratio collector / baseline", String.format(Locale.ROOT, "%.3f", recordsPerS / baselinePerS)));
        md.append(row("collector MB/s (record values)", String.format(Locale.ROOT, "%.2f", mbPerS)));
        md.append(row("baseline MB/s (record values)", String.format(Locale.ROOT, "%.2f", baselineMbPerS)));
        md.append(row("collector CPU (s)", String.format(Locale.ROOT, "%.2f", cpuS)));
        md.append(row("collector CPU per record (µs), in all", String.format(Locale.ROOT, "%.1f",
                cpu.microsPerRecord(records))));
        md.append(row("collector CPU per record (µs), after its first record", String.format(Locale.ROOT, "%.1f",
                cpu.steadyMicrosPerRecord())));
        md.append(row("collector CPU of its JIT compiler / garbage collector threads (s), in all",
                String.format(Locale.ROOT, "%.2f / %.2f", cpu.all().jitS(), cpu.all().gcS())));
        md.append(row("collector CPU per record (µs), after its first record, without JIT and GC threads",
                String.format(Locale.ROOT, "%.1f", cpu.steadyWorkMicrosPerRecord())));
        md.append(row("baseline CPU per record (µs; its thread and the producer's network thread)",
                String.format(Locale.ROOT, "%.1f", cpu.baselineMicrosPerRecord())));
        md.append(row("collector threads at the end", String.valueOf(cpu.threads())));
        md.append(row("collector peak threads", String.valueOf(cpu.peakThreads())));
        md.append(row("collector peak heap (MB)", String.format(Locale.ROOT, "%.1f", peakHeapMb)));
        md.append(row("collector peak RSS (MB)", String.format(Locale.ROOT, "%.1f", peakRssMb)));
        md.append(row("blob GETs / blobs", String.format(Locale.ROOT, "%,d / %,d", blobGets, totalBlobs)));
        md.append("\nRecords per second:\n\n```\n");
        double max = Math.max(recordsPerS, baselinePerS);
        md.append(bar("collector", recordsPerS, max)).append(bar("baseline ", baselinePerS, max));
        md.append("```\n");
        return md.toString();
    }

    private static String row(String name, String value) {
        return "| " + name + " | " + value + " |\n";
    }

    private static String bar(String name, double value, double max) {
        int width = (int) Math.round(50 * value / max);
        return String.format(Locale.ROOT, "%s |%s %,.0f%n", name, "#".repeat(Math.max(width, 1)), value);
    }

    /**
     * CPU per record: the collector's in all and after its first record (start-up and the first listing left out),
     * the latter also without the JIT compiler's and the garbage collector's threads (the baseline producer runs in a
     * JVM already warm, so its JIT is not counted either), and the baseline producer's (its sending thread and its
     * network thread).
     */
    record Cpu(CollectorProbes.CpuSplit all, CollectorProbes.CpuSplit afterFirst, long recordsAfterFirst,
            double baselineS, long baselineRecords, int threads, int peakThreads) {

        double microsPerRecord(long records) {
            return all.totalS() / Math.max(records, 1) * 1e6;
        }

        double steadyMicrosPerRecord() {
            return afterFirst.totalS() / Math.max(recordsAfterFirst, 1) * 1e6;
        }

        double steadyWorkMicrosPerRecord() {
            return afterFirst.workS() / Math.max(recordsAfterFirst, 1) * 1e6;
        }

        double baselineMicrosPerRecord() {
            return baselineS / Math.max(baselineRecords, 1) * 1e6;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown CPU";
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f GB RAM", kb / (1024.0 * 1024.0));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return "unknown RAM";
    }

    // ------------------------------------------------------------------ helpers
}
