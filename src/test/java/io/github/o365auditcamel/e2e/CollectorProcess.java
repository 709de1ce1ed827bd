package io.github.o365auditcamel.e2e;

import static io.github.o365auditcamel.testing.LocalMachine.classDataArchive;
import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static io.github.o365auditcamel.testing.LocalMachine.javaBin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.o365auditcamel.simulator.ManagementApiSimulator;

/**
 * The production jar ({@code target/o365-audit-camel.jar}) run as a user runs it: a child JVM started in a working
 * directory that holds {@code application.properties} and {@code routes/}, configured by environment variables.
 */
public final class CollectorProcess implements AutoCloseable {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path JAR = PROJECT.resolve("target/o365-audit-camel.jar");
    /**
     * Short-lived JVMs on a small machine: the quick compiler only and one GC thread spend about a third less CPU on
     * start-up and JIT than the defaults, which the tests' collectors, brokers and test JVMs all compete for. Speed
     * is measured by the benchmark (bench/run.sh), which runs the jar with the JVM's defaults.
     */
    static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError");

    private final Process process;
    private final Path output;

    private CollectorProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** A fresh working directory with copies of the shipped configuration and routes, as on a new machine. */
    public static Path freshWorkingDirectory() throws IOException {
        Path dir = Files.createTempDirectory("collector-run");
        Files.copy(PROJECT.resolve("application.properties"), dir.resolve("application.properties"));
        Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> routes = Files.list(PROJECT.resolve("routes"))) {
            for (Path route : routes.toList()) {
                Files.copy(route, dir.resolve("routes").resolve(route.getFileName()));
            }
        }
        return dir;
    }

    /**
     * The environment that points the collector at a simulator and a broker, polling every 2 s, with a content-refs
     * topic and a leader-election directory of its own. A test that restarts a collector, or runs several side by
     * side, gives them the same content-refs topic and directory (as a deployment would).
     */
    public static Map<String, String> environment(ManagementApiSimulator simulator, String brokers) {
        Map<String, String> env = new HashMap<>();
        env.put("O365_TENANT_ID", simulator.tenantId());
        env.put("O365_CLIENT_ID", simulator.clientId());
        env.put("O365_CLIENT_SECRET", simulator.clientSecret());
        env.put("O365_LOGIN_URL", simulator.httpsBaseUrl());
        env.put("O365_TRUSTED_CERTIFICATES", simulator.serverCertificateFile().toString());
        env.put("O365_API_URL", simulator.baseUrl());
        env.put("O365_POLL_INTERVAL", "2s");
        // the simulator does not keep Microsoft's 15 minutes between start requests (SubscriptionStartRuleIT does)
        env.put("O365_SUBSCRIPTION_START_INTERVAL", "0s");
        env.put("KAFKA_BROKERS", brokers);
        // a port of its own, so that tests and a running demo never collide
        env.put("O365_MANAGEMENT_PORT", String.valueOf(freePort()));
        String run = Long.toHexString(System.nanoTime());
        env.put("O365_CONTENT_REFS_TOPIC", "content-refs." + run);
        try {
            env.put("O365_CLUSTER_DIRECTORY", Files.createTempDirectory("collector-cluster").toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return env;
    }

    /**
     * The environment for a collector whose topics all start with {@code prefix}: records, state and content
     * references, so that tests sharing a broker never see each other's, and collectors of one test (restarted, or
     * side by side) share theirs. Each instance needs its own {@code O365_INSTANCE_ID} on top.
     */
    public static Map<String, String> environment(ManagementApiSimulator simulator, String brokers, String prefix) {
        Map<String, String> env = environment(simulator, brokers);
        env.put("O365_TOPIC_PREFIX", prefix);
        env.put("O365_STATE_TOPIC", prefix + "state");
        env.put("O365_CONTENT_REFS_TOPIC", prefix + "content-refs");
        return env;
    }

    /**
     * A Kafka client's settings as the collector's environment: {@code KAFKA_BROKERS} for the bootstrap servers and
     * {@code CAMEL_COMPONENT_KAFKA_<KEY>} for the others ({@code sasl.jaas.config} is
     * {@code CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG}), the names camel-kafka's options have.
     */
    public static Map<String, String> kafkaEnvironment(java.util.Properties client) {
        Map<String, String> env = new HashMap<>();
        for (String key : client.stringPropertyNames()) {
            env.put(key.equals("bootstrap.servers") ? "KAFKA_BROKERS"
                    : "CAMEL_COMPONENT_KAFKA_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'),
                    client.getProperty(key));
        }
        return env;
    }

    /** The record topic of every content type under {@code prefix}. */
    public static List<String> recordTopics(String prefix) {
        return ManagementApiSimulator.ALL_CONTENT_TYPES.stream()
                .map(t -> prefix + t.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    public static CollectorProcess start(Path workDir, Map<String, String> env) throws IOException {
        return start(workDir, env, List.of());
    }

    /** With arguments after the jar's (or the main class's) name, such as {@code --check}. */
    public static CollectorProcess start(Path workDir, Map<String, String> env, List<String> arguments)
            throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: these tests run after 'mvn package' (mvn verify)");
        }
        Path output = Files.createTempFile(workDir, "collector", ".log");
        // as bin/run does: a directory with the user's own jolokia-access.xml goes first on the classpath
        String policyDir = env.get("O365_JOLOKIA_POLICY_DIR");
        List<String> command = new java.util.ArrayList<>(List.of(javaBin(), "-Xmx256m"));
        command.addAll(TEST_JVM_OPTIONS);
        command.addAll(policyDir == null ? classDataArchive() : List.of());
        command.addAll(policyDir == null
                ? List.of("-jar", JAR.toString())
                : List.of("-cp", policyDir + java.io.File.pathSeparator + JAR, "io.github.o365auditcamel.Application"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // only what we pass: no O365_*, KAFKA_*, CAMEL_* or OTEL_* from the environment of whoever runs the tests
        builder.environment().keySet().removeIf(k -> k.startsWith("O365_") || k.startsWith("KAFKA_")
                || k.startsWith("CAMEL_") || k.startsWith("OTEL_"));
        builder.environment().putAll(env);
        return new CollectorProcess(builder.start(), output);
    }

    /** Waits for the process to end by itself; returns its exit status. */
    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("collector still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until a line of the output contains {@code text}. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!output().contains(text)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no '" + text + "' in the collector's output:\n" + output());
            }
            Thread.sleep(100);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: the collector shuts down gracefully. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGKILL: the collector gets no chance to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    public List<String> outputLines() {
        return output().lines().toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
