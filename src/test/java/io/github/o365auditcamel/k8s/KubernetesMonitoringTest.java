package io.github.o365auditcamel.k8s;

import static io.github.o365auditcamel.k8s.Manifests.at;
import static io.github.o365auditcamel.k8s.Manifests.container;
import static io.github.o365auditcamel.k8s.Manifests.maps;
import static io.github.o365auditcamel.k8s.Manifests.object;
import static io.github.o365auditcamel.k8s.Manifests.ofKind;
import static io.github.o365auditcamel.k8s.Manifests.podLabels;
import static io.github.o365auditcamel.k8s.Manifests.render;
import static io.github.o365auditcamel.k8s.Manifests.selects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;

/**
 * components/monitoring, as the overlays that use it render it: the PodMonitor scrapes /observe/metrics on the
 * management port of every collector pod; the PrometheusRule's alerts read only metrics the collector exports (the
 * names and labels are read from CollectorMetrics.java, as Micrometer names them for Prometheus) or the two it takes
 * from Prometheus and kube-state-metrics; the alerts operators need are there with their thresholds, and
 * docs/kubernetes.md explains each. Where promtool is installed, it checks the rules and runs their unit tests
 * (components/monitoring/prometheusrule.test.yaml).
 */
class KubernetesMonitoringTest {

    private static final Path COLLECTOR_METRICS =
            Path.of("src/main/java/io/github/o365auditcamel/metrics/CollectorMetrics.java");
    /** Metrics the rules may read that are not the collector's: Prometheus's own, and kube-state-metrics'. */
    private static final Set<String> OTHER_METRICS = Set.of("up", "kube_pod_status_ready",
            // the Kafka client's own, exported by Micrometer's Kafka binder (ManagementServerTest reads it)
            "kafka_consumer_fetch_manager_records_lag_max");
    /** Labels Prometheus (through the PodMonitor), kube-state-metrics or the Kafka binder put on a series. */
    private static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "job", "condition", "client_id");
    private static final List<String> OVERLAYS = List.of("k8s/overlays/strimzi", "k8s/overlays/msk");

    @Test
    void thePodMonitorScrapesTheMetricsPathOnTheManagementPortOfEveryCollectorPod() throws Exception {
        int managementPort = KubernetesWorkloadTest.managementPort();
        for (String dir : OVERLAYS) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            Map<String, Object> monitor = object(objects, "PodMonitor/o365-audit-camel");

            assertTrue(selects(at(monitor, "spec", "selector", "matchLabels"), podLabels(set)), dir);
            List<Map<String, Object>> endpoints = maps(at(monitor, "spec", "podMetricsEndpoints"));
            assertEquals(1, endpoints.size(), dir);
            Map<String, Object> endpoint = endpoints.get(0);
            assertEquals("/observe/metrics", endpoint.get("path"), dir);
            assertEquals(at(set, "spec", "template", "metadata", "annotations", "prometheus.io/path"),
                    endpoint.get("path"), dir);
            // the port is named on the container (jolokia, for Hawtio Online), and it is the management port
            Map<String, Object> port = maps(container(set).get("ports")).stream()
                    .filter(p -> p.get("name").equals(endpoint.get("port"))).findFirst().orElseThrow();
            assertEquals(managementPort, port.get("containerPort"), dir);
            // the rules' job is the value of the pod label the PodMonitor takes it from
            assertEquals("o365-audit-camel", podLabels(set).get((String) at(monitor, "spec", "jobLabel")), dir);
        }
    }

    @Test
    void theAlertRulesReadOnlyMetricsAndLabelsThatExist() throws Exception {
        Map<String, String> exported = exportedMetrics();
        Set<String> literals = stringLiterals(Files.readString(COLLECTOR_METRICS));
        for (String dir : OVERLAYS) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            String job = (String) podLabels(set).get("app.kubernetes.io/name");
            for (Map.Entry<String, String> alert : alerts(objects).entrySet()) {
                String expr = alert.getValue();
                String where = dir + " " + alert.getKey() + ": ";
                Matcher names = Pattern.compile("\\b(o365_[a-z_]+)").matcher(expr);
                while (names.find()) {
                    assertTrue(exported.containsKey(names.group(1)), where + names.group(1) + " is not one of "
                            + exported.keySet());
                }
                Matcher selectors = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}").matcher(expr);
                while (selectors.find()) {
                    String metric = selectors.group(1);
                    assertTrue(exported.containsKey(metric) || OTHER_METRICS.contains(metric), where + metric);
                    Matcher matchers = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"")
                            .matcher(selectors.group(2));
                    while (matchers.find()) {
                        String label = matchers.group(1);
                        if (metric.startsWith("o365_")) {
                            assertTrue(literals.contains(label), where + "no label " + label + " on " + metric);
                        } else {
                            assertTrue(TARGET_LABELS.contains(label), where + label);
                        }
                        if (label.equals("job") && metric.equals("up")) {
                            assertEquals(job, matchers.group(3), where + "the PodMonitor's job");
                        }
                        if (label.equals("pod")) {
                            podPatternMatchesTheStatefulSetsPodsOnly(where, matchers.group(3));
                        }
                    }
                }
                Matcher grouping = Pattern.compile("\\b(?:by|on)\\s*\\(([^)]*)\\)").matcher(expr);
                while (grouping.find()) {
                    for (String label : grouping.group(1).split(",")) {
                        assertTrue(TARGET_LABELS.contains(label.strip()) || literals.contains(label.strip()),
                                where + label);
                    }
                }
            }
        }
    }

    private static void podPatternMatchesTheStatefulSetsPodsOnly(String where, String regex) {
        // Prometheus anchors a label regex at both ends, as matches() does
        Pattern pods = Pattern.compile(regex);
        for (String pod : List.of("o365-audit-camel-0", "o365-audit-camel-11", "o365-audit-camel-tenant-b-1")) {
            assertTrue(pods.matcher(pod).matches(), where + regex + " misses " + pod);
        }
        for (String pod : List.of("o365-audit-camel-7d9f8c6b5-x2x7q", "kafka-0", "o365-audit-camel")) {
            assertFalse(pods.matcher(pod).matches(), where + regex + " takes " + pod);
        }
    }

    @Test
    void theAlertsOperatorsNeedAreThereWithTheirThresholdsAndTheDocumentationExplainsEach() throws Exception {
        Map<String, Map<String, Object>> objects = render("k8s/overlays/strimzi");
        Map<String, Map<String, Object>> rules = new TreeMap<>();
        for (Map<String, Object> group : maps(at(object(objects, "PrometheusRule/o365-audit-camel"), "spec",
                "groups"))) {
            for (Map<String, Object> rule : maps(group.get("rules"))) {
                rules.put((String) rule.get("alert"), rule);
                assertTrue(Set.of("warning", "critical").contains(at(rule, "labels", "severity")), rule.toString());
                assertFalse(((String) at(rule, "annotations", "summary")).isBlank(), rule.toString());
                assertFalse(((String) at(rule, "annotations", "description")).isBlank(), rule.toString());
            }
        }
        assertEquals(Set.of("O365CollectorDown", "O365CollectorScrapeFailing", "O365CollectorNotReady",
                "O365CollectorNoPodReady", "O365TenantNotReady", "O365ListingStalled", "O365NoRecordsPublished",
                "O365ApiThrottled", "O365BlobDeadLettered", "O365DeadLettersRecurring", "O365CheckpointLagging",
                "O365FetchBacklog"),
                rules.keySet());

        assertRule(rules.get("O365TenantNotReady"), "10m", "o365_tenant_ready", "== 0");
        assertRule(rules.get("O365CheckpointLagging"), "30m", "o365_checkpoint_lag_seconds", "> 3600");
        assertRule(rules.get("O365FetchBacklog"), "30m", "kafka_consumer_fetch_manager_records_lag_max", "> 100");
        assertRule(rules.get("O365ApiThrottled"), "30m", "o365_api_throttled_total");
        // a quiet tenant is normal: only a ready tenant, over a whole day
        assertRule(rules.get("O365NoRecordsPublished"), "1h", "o365_records_published_total[24h]",
                "o365_tenant_ready");
        assertRule(rules.get("O365BlobDeadLettered"), null, "o365_blobs_deadlettered_total{retried=\"false\"}");
        assertRule(rules.get("O365DeadLettersRecurring"), "1h", "o365_blobs_deadlettered_total{retried=\"true\"}");
        // readiness is where Kafka being unreachable shows
        assertRule(rules.get("O365CollectorNoPodReady"), "5m", "kube_pod_status_ready{condition=\"true\"");
        assertRule(rules.get("O365CollectorNotReady"), "10m", "kube_pod_status_ready{condition=\"true\"");

        String docs = Files.readString(Path.of("docs/kubernetes.md"));
        for (String alert : rules.keySet()) {
            assertTrue(docs.contains("`" + alert + "`"), "docs/kubernetes.md does not explain " + alert);
        }
    }

    private static void assertRule(Map<String, Object> rule, String forDuration, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(((String) rule.get("expr")).contains(fragment), rule.get("alert") + ": " + fragment);
        }
        assertEquals(forDuration, rule.get("for"), rule.get("alert") + "");
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass(@TempDir Path dir) throws Exception {
        Map<String, Object> rule = object(render("k8s/overlays/strimzi"), "PrometheusRule/o365-audit-camel");
        Dump dump = new Dump(DumpSettings.builder().build());
        Path full = dir.resolve("full.rules.yaml");
        Files.writeString(full, dump.dumpToString(Map.of("groups", at(rule, "spec", "groups"))));
        promtool("check", "rules", full.toString());

        // the unit tests compare annotations word for word: they test the expressions, labels and durations
        List<Object> groups = new ArrayList<>();
        for (Map<String, Object> group : maps(at(rule, "spec", "groups"))) {
            List<Object> bare = new ArrayList<>();
            for (Map<String, Object> r : maps(group.get("rules"))) {
                Map<String, Object> copy = new LinkedHashMap<>(r);
                copy.remove("annotations");
                bare.add(copy);
            }
            Map<String, Object> copy = new LinkedHashMap<>(group);
            copy.put("rules", bare);
            groups.add(copy);
        }
        Files.writeString(dir.resolve("prometheusrule.rules.yaml"), dump.dumpToString(Map.of("groups", groups)));
        Path tests = Files.copy(Path.of("k8s/components/monitoring/prometheusrule.test.yaml"),
                dir.resolve("prometheusrule.test.yaml"));
        String out = promtool("test", "rules", tests.toString());
        assertTrue(out.contains("SUCCESS"), out);
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process promtool;
        try {
            promtool = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException missing) {
            Assumptions.abort("promtool is not installed here (Debian: apt-get install prometheus): "
                    + missing.getMessage());
            throw missing;
        }
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, promtool.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** The rendered PrometheusRule's alerts: name to expression. */
    private static Map<String, String> alerts(Map<String, Map<String, Object>> objects) {
        Map<String, String> alerts = new TreeMap<>();
        for (Map<String, Object> group : maps(at(object(objects, "PrometheusRule/o365-audit-camel"), "spec",
                "groups"))) {
            for (Map<String, Object> rule : maps(group.get("rules"))) {
                alerts.put((String) rule.get("alert"), (String) rule.get("expr"));
            }
        }
        assertFalse(alerts.isEmpty());
        return alerts;
    }

    /**
     * The collector's meters as Prometheus names them (Micrometer's naming: dots to underscores, the base unit
     * appended unless the name ends with it, {@code _total} for counters), read from CollectorMetrics.java.
     */
    static Map<String, String> exportedMetrics() throws IOException {
        String source = Files.readString(COLLECTOR_METRICS);
        Map<String, String> names = new TreeMap<>();
        Matcher meter = Pattern.compile("(Counter\\.builder|registry\\.counter|Gauge\\.builder)\\(\\s*\"(o365\\.[a-z.]+)\"")
                .matcher(source);
        while (meter.find()) {
            boolean builder = meter.group(1).endsWith("builder");
            String definition = source.substring(meter.end(),
                    builder ? source.indexOf(".register(", meter.end()) : source.indexOf(';', meter.end()));
            String name = meter.group(2).replace('.', '_');
            Matcher unit = Pattern.compile("\\.baseUnit\\(\"([a-z]+)\"\\)").matcher(definition);
            if (unit.find() && !name.endsWith("_" + unit.group(1))) {
                name += "_" + unit.group(1);
            }
            if (!meter.group(1).startsWith("Gauge")) {
                name += "_total";
            }
            names.put(name, meter.group(2));
        }
        // what docs/operations.md's table and ManagementServerTest know by these names
        assertTrue(names.keySet().containsAll(Set.of("o365_records_published_total", "o365_checkpoint_lag_seconds",
                "o365_tenant_ready", "o365_api_throttled_total", "o365_blobs_deadlettered_total",
                "o365_fetched_bytes_total")), names.toString());
        return names;
    }

    private static Set<String> stringLiterals(String source) {
        Set<String> literals = new TreeSet<>();
        Matcher literal = Pattern.compile("\"([a-z_]+)\"").matcher(source);
        while (literal.find()) {
            literals.add(literal.group(1));
        }
        return literals;
    }
}
