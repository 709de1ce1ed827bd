package io.github.o365auditcamel.bench;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One scale-out run's figures ({@link ScaleOutBenchmark}): the JSON line it prints, and its row in
 * docs/benchmarks-scale-out.md. The page keeps a row per scale (tenants, instances, kill point, heap, poll): a run
 * replaces the row of the same scale and keeps the others.
 */
record ScaleOutResult(int tenants, int instances, int killAtPercent, String killed, double killedAtS,
        long recordsAtKill, int shardsOfKilled, int shards, double takeoverS, double cpuOfKilledS,
        long recordsOfKilled, int expected, long copiesRead, long duplicates, long lost, int tenantsWrong,
        double drainS, double firstRecordS, BenchTenants.Startup startup, List<Instance> survivors,
        double driverCpuS, int blobs, int recordsPerBlob, String xmx, String pollInterval, int settleS) {

    private static final String ROWS_START = "<!-- rows: kept by ScaleOutBenchmark, one per scale -->";
    private static final String ROWS_END = "<!-- end of rows -->";

    /** A surviving instance at the end: peak threads, peak RSS and heap, CPU, records it published. */
    record Instance(String id, int peakThreads, double peakRssMb, double peakHeapMb, double cpuS, long records) {
    }

    String json() {
        String each = survivors.stream().map(i -> String.format(Locale.ROOT,
                "{\"id\":\"%s\",\"peak_threads\":%d,\"peak_rss_mb\":%.1f,\"peak_heap_mb\":%.1f,\"cpu_s\":%.2f,"
                        + "\"records\":%d}", i.id(), i.peakThreads(), i.peakRssMb(), i.peakHeapMb(), i.cpuS(),
                i.records())).collect(Collectors.joining(","));
        return String.format(Locale.ROOT, "{\"tenants\":%d,\"instances\":%d,\"kill_at_percent\":%d,\"killed\":%s,"
                        + "\"killed_at_s\":%.2f,\"records_at_kill\":%d,\"shards_of_killed\":%d,\"shards\":%d,"
                        + "\"takeover_s\":%.2f,\"killed_cpu_s\":%.2f,\"records_of_killed\":%d,\"records\":%d,"
                        + "\"copies_read\":%d,\"duplicates\":%d,\"lost\":%d,\"tenants_wrong\":%d,\"drain_s\":%.2f,"
                        + "\"first_record_s\":%.2f,\"first_listing_s\":%.2f,\"every_tenant_listed_s\":%.2f,"
                        + "\"driver_cpu_s\":%.2f,\"blobs\":%d,\"records_per_blob\":%d,\"collector_xmx\":\"%s\","
                        + "\"poll_interval\":\"%s\",\"survivors\":[%s]}",
                tenants, instances, killAtPercent, killed == null ? "null" : "\"" + killed + "\"", killedAtS,
                recordsAtKill, shardsOfKilled, shards, takeoverS, cpuOfKilledS, recordsOfKilled, expected, copiesRead,
                duplicates, lost, tenantsWrong, drainS, firstRecordS, startup.firstListingS(),
                startup.everyTenantListedS(), driverCpuS, blobs, recordsPerBlob, xmx, pollInterval, each);
    }

    /** The page, with this run's row among those of the page as it was ({@code before}, empty if none). */
    String markdown(String before) {
        Map<String, String> rows = new LinkedHashMap<>();
        int from = before.indexOf(ROWS_START);
        int to = before.indexOf(ROWS_END);
        if (from >= 0 && to > from) {
            for (String line : before.substring(from + ROWS_START.length(), to).split("\n")) {
                if (line.startsWith("| ") && !line.startsWith("| tenants") && !line.startsWith("|--")) {
                    rows.put(scaleOf(line), line);
                }
            }
        }
        String row = row();
        rows.put(scaleOf(row), row);
        List<String> table = new ArrayList<>(rows.values());

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks: scale-out, one instance killed\n\n");
        md.append("Issue 16's target \"1,000 tenants over 3 instances, one killed: every record once\", measured with"
                + " `bench/scale-out.sh` (class `io.github.o365auditcamel.bench.ScaleOutBenchmark`, on the test"
                + " classpath). [benchmarks-tenants.md](benchmarks-tenants.md) has one instance's cost per tenant.\n\n");
        md.append("```\nBENCH_TENANTS=1000 BENCH_INSTANCES=3 BENCH_KILL_AT=30 bench/scale-out.sh   # the defaults\n"
                + "BENCH_TENANTS=30 bench/scale-out.sh\n```\n\n");
        md.append("## How it runs\n\n");
        md.append("- An in-process Kafka broker (KRaft, one node) and the Management API simulator (fixed seed, one day"
                + " of backlog, pages of 100 blobs) serve `BENCH_TENANTS` tenants, each with `BENCH_BLOBS` blobs per"
                + " content type (5 content types) of `BENCH_RECORDS` records of ~2 KB, all through one app"
                + " registration.\n");
        md.append("- `BENCH_INSTANCES` collectors, the production jar each in a JVM of its own (`-Xmx` as in the table,"
                + " JVM defaults otherwise), with their own `O365_INSTANCE_ID` and management port, and the same"
                + " tenants, broker, topics and `O365_CLUSTER_DIRECTORY` (`O365_CLUSTER=file`: the listing shards,"
                + " 8 by default, are led through lock files). Poll interval as in the table, API rate limit raised to"
                + " 100,000 requests/min, everything else the collector's defaults (4 fetchers per instance, 8 listing"
                + " threads, Kafka transaction timeout 60 s).\n");
        md.append("- Once `BENCH_KILL_AT` % of the records are in Kafka (as a `read_committed` consumer of the record"
                + " topics sees them), the instance that leads the most listing shards (from the instances' log lines"
                + " `now lists the content of`) is killed with SIGKILL (`Process.destroyForcibly`): it dies listing"
                + " and fetching, with transactions open.\n");
        md.append("- **Drain** is from starting the instances until every record is in Kafka; then the consumer reads"
                + " on for " + settleS + " s so that a copy published late is counted too. **Duplicates** are"
                + " records read more than once (by tenant id header, topic and key), **lost** those never read, and"
                + " each tenant's count is checked against the simulator (`BenchTenants.mismatches`).\n");
        md.append("- **First listing** is when the first listing call of any tenant reached the simulator, **every"
                + " tenant's** when the last tenant's first one did. **Takeover** is from the kill until the surviving"
                + " instances' logs say they lead every shard. Peak threads and heap are sampled every 500 ms, peak"
                + " RSS is the kernel's high-water mark (`VmHWM`) at the end, CPU is user + system seconds of each"
                + " process from its start; the driver (broker, simulator, counting consumer) runs in one more JVM"
                + " on the same machine.\n\n");
        md.append("## Results\n\n");
        md.append("Each row is one run (the latest of its scale), on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores shared with the broker, the"
                        + " simulator and other work.\n\n");
        md.append(ROWS_START).append("\n");
        md.append("| tenants | instances | killed at | records | drain (s) | first listing / every tenant's (s) |"
                + " killed / takeover (s) | duplicates / lost | per surviving instance: peak threads, peak RSS (MB),"
                + " CPU (s), records | CPU killed / driver (s) | heap, poll | date |\n");
        md.append("|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---|---|\n");
        table.forEach(line -> md.append(line).append("\n"));
        md.append(ROWS_END).append("\n");
        int notes = before.indexOf("\n## Notes");
        if (notes >= 0) {
            md.append(before.substring(notes));
        }
        return md.toString();
    }

    private String row() {
        String perInstance = survivors.stream().map(i -> String.format(Locale.ROOT, "%s: %d, %.0f, %.1f, %,d",
                i.id(), i.peakThreads(), i.peakRssMb(), i.cpuS(), i.records())).collect(Collectors.joining("; "));
        String killedAt = killed == null ? "none" : String.format(Locale.ROOT, "%d %% (%,d records), %s, %d of %d"
                + " shards", killAtPercent, recordsAtKill, killed, shardsOfKilled, shards);
        return String.format(Locale.ROOT, "| %d | %d | %s | %,d | %.1f | %.1f / %.1f | %s | %d / %d%s | %s | %s | %s,"
                        + " %s | %s |",
                tenants, instances, killedAt, expected, drainS, startup.firstListingS(), startup.everyTenantListedS(),
                killed == null ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", killedAtS, takeoverS), duplicates,
                lost, tenantsWrong == 0 ? "" : " (" + tenantsWrong + " tenants wrong)", perInstance,
                String.format(Locale.ROOT, "%s / %.1f", killed == null ? "-"
                        : String.format(Locale.ROOT, "%.1f (%,d records)", cpuOfKilledS, recordsOfKilled), driverCpuS),
                xmx, pollInterval, LocalDate.now(ZoneOffset.UTC));
    }

    /** What makes two rows the same scale: tenants, instances, the kill point, heap and poll interval. */
    private static String scaleOf(String row) {
        String[] cells = row.split("\\|");
        return cells.length > 11 ? (cells[1] + "|" + cells[2] + "|" + cells[3].replaceAll("\\(.*", "") + "|"
                + cells[11]).replace(" ", "") : row;
    }
}
