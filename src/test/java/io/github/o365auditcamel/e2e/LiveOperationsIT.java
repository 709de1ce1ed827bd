package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.o365auditcamel.k8s.KubeletConfigMapWriter;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar while it runs: a route file edited under {@code routes/} takes effect without a restart, a route
 * file added there starts, and collection goes on through both; the management port serves health and metrics.
 */
class LiveOperationsIT {

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = new EmbeddedKafkaBroker().start();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofHours(6))
                .seed(5)
                .build();
        simulator.start();
    }

    @AfterAll
    static void stopServices() {
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void routesEditedOrAddedUnderRoutesTakeEffectWithoutARestart() throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers());
        env.put("O365_CONTENT_TYPES", "Audit.Exchange");
        Path workDir = CollectorProcess.freshWorkingDirectory();
        // settings in the working directory's application.properties win over the defaults packed in the jar
        Path settings = workDir.resolve("application.properties");
        Files.writeString(settings, Files.readString(settings)
                .replace("o365.topic-prefix = o365.", "o365.topic-prefix = reload.")
                .replace("o365.state-topic = o365-audit-camel.state", "o365.state-topic = reload.state"));
        assertTrue(Files.readString(settings).contains("o365.topic-prefix = reload."));
        try (CollectorProcess collector = CollectorProcess.start(workDir, env);
             TopicReader reader = new TopicReader(broker.bootstrapServers(), List.of("reload.audit.exchange"))) {
            reader.readUntil(r -> r.size() >= simulator.recordCount(), Duration.ofSeconds(60));
            long pid = collector.pid();

            // health and metrics on the management port
            String base = "http://localhost:" + env.get("O365_MANAGEMENT_PORT");
            assertEquals(200, get(base + "/observe/health/ready").statusCode());
            awaitMetric(base, "o365_records_published_total{content_type=\"Audit.Exchange\",tenant=\"default\"} "
                    + simulator.recordCount() + ".0");

            // a user edits the publishing route: one more log step
            Path publish = workDir.resolve("routes/publish.camel.yaml");
            String edited = Files.readString(publish).replace(
                    "            method: publish\n",
                    "            method: publish\n"
                    + "        - log:\n"
                    + "            message: \"edited route published blob ${variable.contentId}\"\n");
            assertTrue(edited.contains("edited route"), "the edit applies to the shipped file");
            Files.writeString(publish, edited);
            // ... and adds a route of their own
            Files.writeString(workDir.resolve("routes/heartbeat.camel.yaml"), """
                    - route:
                        id: heartbeat
                        description: A route added while the collector runs
                        from:
                          uri: timer:heartbeat
                          parameters:
                            period: 1000
                          steps:
                            - log:
                                message: "heartbeat from a route added while running"
                    """);
            collector.awaitOutput("heartbeat from a route added while running", Duration.ofSeconds(30));

            // a broken edit is refused with a warning, and the running version goes on
            Files.writeString(workDir.resolve("routes/heartbeat.camel.yaml"), "- route:\n    from: [unclosed\n");
            collector.awaitOutput("Error reloading routes from file", Duration.ofSeconds(30));
            int heartbeats = count(collector.output(), "heartbeat from a route added while running");
            Thread.sleep(2500);
            assertTrue(count(collector.output(), "heartbeat from a route added while running") > heartbeats,
                    "the heartbeat route still runs");

            // the edited route publishes the next blob
            ManagementApiSimulator.Blob late = simulator.addBlobs("Audit.Exchange", 1, 10, Instant.now()).get(0);
            collector.awaitOutput("edited route published blob " + late.contentId(), Duration.ofSeconds(60));
            List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= simulator.recordCount(),
                    Duration.ofSeconds(30));
            records = reader.drain(Duration.ofSeconds(3));
            assertEquals(simulator.recordCount(), records.size(), "every record once, through the reload");
            assertEquals(simulator.recordCount(),
                    records.stream().map(TopicReader.Record::key).collect(Collectors.toSet()).size());
            // the reload kept the collector's metrics
            awaitMetric(base, "o365_records_published_total{content_type=\"Audit.Exchange\",tenant=\"default\"} "
                    + simulator.recordCount() + ".0");
            awaitMetric(base, "o365_checkpoint_lag_seconds{content_type=\"Audit.Exchange\",tenant=\"default\"}");
            assertEquals(pid, collector.pid());
            assertTrue(collector.isAlive(), "no restart");
        }
    }

    @Test
    void aRoutesConfigMapEditedInTheClusterIsReloadedWithoutARestart() throws Exception {
        // the routes as Kubernetes mounts the routes ConfigMap (k8s/base/statefulset.yaml)
        Path mount = Files.createTempDirectory("configmap-routes");
        KubeletConfigMapWriter kubelet = new KubeletConfigMapWriter(mount);
        Map<String, String> shipped = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                shipped.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        kubelet.write(shipped);
        Path workDir = CollectorProcess.freshWorkingDirectory();
        try (java.util.stream.Stream<Path> copies = Files.list(workDir.resolve("routes"))) {
            for (Path copy : copies.toList()) {
                Files.delete(copy);
            }
        }
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers());
        env.put("O365_CONTENT_TYPES", "Audit.Exchange");
        env.put("O365_ROUTES_SOURCE_DIR", mount.toString());
        env.put("O365_TOPIC_PREFIX", "configmap.");
        env.put("O365_STATE_TOPIC", "configmap.state");
        try (CollectorProcess collector = CollectorProcess.start(workDir, env)) {
            collector.awaitOutput("Audit.Exchange: ", Duration.ofSeconds(60));

            Map<String, String> edited = new java.util.TreeMap<>(shipped);
            edited.put("publish.camel.yaml", shipped.get("publish.camel.yaml").replace(
                    "            method: publish\n",
                    "            method: publish\n"
                    + "        - log:\n"
                    + "            message: \"configmap route published blob ${variable.contentId}\"\n"));
            kubelet.write(edited);
            // the reload, not the start: "Started publish-records" is logged at start-up too
            collector.awaitOutput("Routes reloaded summary", Duration.ofSeconds(30));
            ManagementApiSimulator.Blob late = simulator.addBlobs("Audit.Exchange", 1, 5, Instant.now()).get(0);
            collector.awaitOutput("configmap route published blob " + late.contentId(), Duration.ofSeconds(60));
        }
    }

    @Test
    void anOptInJolokiaPolicyLetsRoutesBeStoppedAndStartedAndNothingElse() throws Exception {
        Path policyDir = Files.createTempDirectory("jolokia-policy");
        Files.copy(Path.of("config/jolokia-access-operations.xml"), policyDir.resolve("jolokia-access.xml"));
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers());
        env.put("O365_CONTENT_TYPES", "Audit.Exchange");
        env.put("O365_JOLOKIA_POLICY_DIR", policyDir.toString());
        env.put("O365_TOPIC_PREFIX", "policy.");
        env.put("O365_STATE_TOPIC", "policy.state");
        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            collector.awaitOutput("Audit.Exchange: ", Duration.ofSeconds(60));
            String jolokia = "http://localhost:" + env.get("O365_MANAGEMENT_PORT") + "/observe/jolokia";
            String route = "org.apache.camel:context=o365-audit-camel,type=routes,name=\\\"run-tenant-task\\\"";

            assertEquals(200, status(post(jolokia, "{\"type\":\"exec\",\"mbean\":\"" + route
                    + "\",\"operation\":\"stop()\"}")));
            assertTrue(post(jolokia, "{\"type\":\"read\",\"mbean\":\"" + route + "\",\"attribute\":\"State\"}")
                    .contains("Stopped"));
            assertEquals(200, status(post(jolokia, "{\"type\":\"exec\",\"mbean\":\"" + route
                    + "\",\"operation\":\"start()\"}")));
            // anything else stays closed: other operations, and writes
            assertEquals(403, status(post(jolokia, "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\","
                    + "\"operation\":\"gc()\"}")));
            assertEquals(403, status(post(jolokia, "{\"type\":\"write\",\"mbean\":\"" + route
                    + "\",\"attribute\":\"Tracing\",\"value\":true}")));
            assertTrue(post(jolokia, "{\"type\":\"read\",\"mbean\":\"" + route + "\",\"attribute\":\"State\"}")
                    .contains("Started"));
        }
    }

    private static int count(String text, String line) {
        return (int) text.lines().filter(l -> l.contains(line)).count();
    }

    /** Waits a few seconds for a line of the metrics: counters move just after the records are committed. */
    private static void awaitMetric(String base, String line) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        String metrics = get(base + "/observe/metrics").body();
        while (!metrics.contains(line) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            metrics = get(base + "/observe/metrics").body();
        }
        assertTrue(metrics.contains(line), line + " not in:\n" + metrics);
    }

    private static String post(String url, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int status(String jolokiaAnswer) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"status\":(\\d+)").matcher(jolokiaAnswer);
        assertTrue(m.find(), jolokiaAnswer);
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
