package io.github.o365auditcamel.bench;

import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static io.github.o365auditcamel.testing.LocalMachine.javaBin;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.o365auditcamel.simulator.ManagementApiSimulator;

/**
 * One collector of a benchmark that runs the production jar as a child process, configured as
 * {@link Benchmark} configures its one (the simulator, the embedded broker, the {@code bench.} topics, a raised API rate
 * limit), with an instance id and a management port of its own and the cluster directory given (the same for
 * instances that share the listing leadership). Its output goes to a log file, read line by line as it grows
 * ({@link #newLines}); its heap and threads are sampled every 500 ms ({@link CollectorProbes.Sampler}).
 */
final class BenchCollector {

    /** Record topics: {@code bench.<content type>}. */
    static final String PREFIX = "bench.";

    final String instanceId;
    final Process process;
    final Path log;
    final CollectorProbes.Sampler sampler;
    private long logOffset;
    private final StringBuilder partialLine = new StringBuilder();

    private BenchCollector(String instanceId, Process process, Path log, int managementPort) {
        this.instanceId = instanceId;
        this.process = process;
        this.log = log;
        this.sampler = new CollectorProbes.Sampler("http://localhost:" + managementPort
                + "/observe/jolokia/read/java.lang:type=Memory/HeapMemoryUsage/used", process.pid());
        sampler.start();
    }

    /**
     * Starts a collector. {@code extraEnv} is put last (KAFKA_TRANSACTION_TIMEOUT, O365_FETCH_CONCURRENCY, ...);
     * KAFKA_PRODUCER_LINGER_MS, KAFKA_PRODUCER_COMPRESSION and KAFKA_TRANSACTION_TIMEOUT of the benchmark's own
     * environment are passed on.
     */
    static BenchCollector start(String instanceId, BenchTenants tenants, ManagementApiSimulator simulator,
            String brokers, Path clusterDirectory, List<String> contentTypes, String pollInterval, String xmx,
            String jvmOptions, Map<String, String> extraEnv) throws IOException {
        Path jar = Path.of("target/o365-audit-camel.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the collector first: mvn -B -q package -DskipTests");
        }
        Path log = Files.createTempFile("o365-bench-" + instanceId + "-", ".log");
        int managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + xmx));
        if (jvmOptions != null && !jvmOptions.isBlank()) {
            command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        }
        command.addAll(Benchmark.collectorClassDataArchive());
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("O365_") || k.startsWith("CAMEL_"));
        tenants.configure(env, simulator, PREFIX + "content-refs");
        env.put("O365_LOGIN_URL", simulator.httpsBaseUrl());
        env.put("O365_TRUSTED_CERTIFICATES", simulator.serverCertificateFile().toString());
        env.put("O365_API_URL", simulator.baseUrl());
        env.put("KAFKA_BROKERS", brokers);
        env.put("O365_POLL_INTERVAL", pollInterval);
        env.put("O365_SUBSCRIPTION_START_INTERVAL", "0s");
        env.put("O365_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("O365_API_REQUESTS_PER_MINUTE", "100000");
        env.put("O365_TOPIC_PREFIX", PREFIX);
        env.put("O365_STATE_TOPIC", PREFIX + "state");
        env.put("O365_DEADLETTER_TOPIC", PREFIX + "deadletter");
        env.put("O365_INSTANCE_ID", instanceId);
        env.put("O365_CLUSTER", "file");
        env.put("O365_CLUSTER_DIRECTORY", clusterDirectory.toString());
        env.put("O365_CONTENT_TYPES", String.join(",", contentTypes));
        for (String passed : List.of("KAFKA_PRODUCER_LINGER_MS", "KAFKA_PRODUCER_COMPRESSION",
                "KAFKA_TRANSACTION_TIMEOUT")) {
            if (System.getenv(passed) != null) {
                env.put(passed, System.getenv(passed));
            }
        }
        env.putAll(extraEnv);
        return new BenchCollector(instanceId, pb.start(), log, managementPort);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The lines the collector wrote since the last call (a line not yet ended waits for the next call). */
    void newLines(Consumer<String> each) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= logOffset) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - logOffset, 64L * 1024 * 1024)];
            f.seek(logOffset);
            f.readFully(bytes);
            logOffset += bytes.length;
            partialLine.append(new String(bytes, StandardCharsets.UTF_8));
            int end;
            while ((end = partialLine.indexOf("\n")) >= 0) {
                each.accept(partialLine.substring(0, end));
                partialLine.delete(0, end + 1);
            }
        } catch (IOException e) {
            // not written yet
        }
    }

    /**
     * The collector's threads that sleep in a Camel redelivery (a throttled or failed API call waiting for its next
     * try), and of those the listing threads ({@code seda://tenant-tasks}), from one thread dump ({@code jcmd}); -1
     * each when no dump could be taken.
     */
    int[] threadsWaitingToRetry() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(javaBin()).resolveSibling("jcmd").toString(),
                    String.valueOf(process.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            int all = 0;
            int listing = 0;
            for (String thread : dump.split("\n\n")) {
                if (thread.contains("RedeliveryErrorHandler") && thread.contains("sleep")) {
                    all++;
                    if (thread.contains("tenant-tasks")) {
                        listing++;
                    }
                }
            }
            return new int[] {all, listing};
        } catch (IOException | RuntimeException | InterruptedException e) {
            return new int[] {-1, -1};
        }
    }

    /** SIGKILL: no chance to clean up. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void stop() throws InterruptedException {
        sampler.stop();
        if (process.isAlive()) {
            Benchmark.stop(process);
        }
    }
}
