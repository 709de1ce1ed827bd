package io.github.o365auditcamel.k8s;

import static io.github.o365auditcamel.k8s.Manifests.at;
import static io.github.o365auditcamel.k8s.Manifests.cast;
import static io.github.o365auditcamel.k8s.Manifests.container;
import static io.github.o365auditcamel.k8s.Manifests.env;
import static io.github.o365auditcamel.k8s.Manifests.maps;
import static io.github.o365auditcamel.k8s.Manifests.ofKind;
import static io.github.o365auditcamel.k8s.Manifests.podLabels;
import static io.github.o365auditcamel.k8s.Manifests.podSpec;
import static io.github.o365auditcamel.k8s.Manifests.selects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.o365auditcamel.check.SetupCheck;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.publish.TransactionalProducers;
import org.junit.jupiter.api.Test;

/**
 * The setup check as a Kubernetes Job: k8s/check for the base and k8s/check/&lt;overlay&gt; for each overlay under
 * k8s/overlays, each the collector's kustomization plus components/setup-check. The Job runs {@code --check} once
 * (its status is the verdict), with exactly the StatefulSet's image and configuration (environment, mounts, volumes,
 * Secrets, hardening), so that the check cannot test another setup than the collector runs; it is no part of
 * {@code kubectl apply -k k8s} or of any overlay; applying it changes no object of the collector and creates no
 * collector; and its pod is held to the collector's NetworkPolicies without ever being taken for a collector pod.
 */
class KubernetesSetupCheckTest {

    private static final Set<String> CHECK_KINDS = Set.of("Job", "ConfigMap", "Secret", "NetworkPolicy");

    @Test
    void theBaseAndEveryOverlayHaveACheckJobThatRunsTheCheckOnce() throws Exception {
        Map<String, String> jobBySet = new TreeMap<>();
        for (Map.Entry<String, String> variant : variants().entrySet()) {
            String dir = variant.getKey();
            Map<String, Map<String, Object>> objects = render(dir);
            List<Map<String, Object>> jobs = ofKind(objects, "Job");
            assertEquals(1, jobs.size(), dir + ": " + objects.keySet());
            Map<String, Object> job = jobs.get(0);
            // a deployment of its own (second-tenant, beside the first) has a check of its own
            String set = (String) at(ofKind(render(variant.getValue()), "StatefulSet").get(0), "metadata", "name");
            String before = jobBySet.putIfAbsent(set, (String) at(job, "metadata", "name"));
            assertTrue(before == null || before.equals(at(job, "metadata", "name")), dir);

            List<Map<String, Object>> containers = maps(podSpec(job).get("containers"));
            assertEquals(1, containers.size(), dir);
            assertEquals(List.of(SetupCheck.ARGUMENT), containers.get(0).get("args"), dir);
            assertNull(containers.get(0).get("command"), dir + ": the image's entry point, as for the collector");
            // one run, whose status is the check's exit status: no restart in place, no second pod
            assertEquals("Never", podSpec(job).get("restartPolicy"), dir);
            assertEquals(0, at(job, "spec", "backoffLimit"), dir);
            // and it goes away by itself, stuck or finished
            assertTrue(((Number) at(job, "spec", "ttlSecondsAfterFinished")).intValue() > 0, dir);
            assertTrue(((Number) at(job, "spec", "activeDeadlineSeconds")).intValue() > 0, dir);

            // the check's objects only: no collector comes with it
            for (String key : objects.keySet()) {
                assertTrue(CHECK_KINDS.contains(key.substring(0, key.indexOf('/'))), dir + ": " + key);
            }
        }
        assertEquals(jobBySet.size(), new TreeSet<>(jobBySet.values()).size(), jobBySet.toString());
        // args are the jar's arguments: the image's ENTRYPOINT runs the jar, and there is no CMD they would replace
        String image = Files.readString(Path.of("Containerfile"));
        Pattern entryPoint = Pattern.compile("(?m)^ENTRYPOINT \\[[^]]*\"-jar\", \"[^\"]+\\.jar\"]");
        assertTrue(entryPoint.matcher(image).find(), image);
        assertFalse(Pattern.compile("(?m)^CMD\\b").matcher(image).find(), image);
    }

    @Test
    void theJobRunsTheStatefulSetsImageWithItsConfiguration() throws Exception {
        for (Variant variant : rendered()) {
            String dir = variant.dir();
            Map<String, Map<String, Object>> check = variant.check();
            Map<String, Map<String, Object>> collector = variant.collector();
            Map<String, Object> job = variant.job();
            Map<String, Object> set = variant.set();
            Map<String, Object> checkContainer = container(job);
            Map<String, Object> collectorContainer = container(set);

            for (String field : List.of("image", "workingDir", "env", "envFrom", "volumeMounts", "securityContext")) {
                assertEquals(collectorContainer.get(field), checkContainer.get(field), dir + ": " + field);
            }
            for (String field : List.of("volumes", "securityContext")) {
                assertEquals(podSpec(set).get(field), podSpec(job).get(field), dir + ": pod " + field);
            }
            Set<String> secrets = secretsOf(set);
            assertFalse(secrets.isEmpty(), dir);
            assertEquals(secrets, secretsOf(job), dir);
            // every ConfigMap it mounts comes with it, as the collector has it (same name, same data)
            for (Map<String, Object> volume : maps(podSpec(job).get("volumes"))) {
                Object configMap = at(volume, "configMap", "name");
                if (configMap != null) {
                    assertEquals(collector.get("ConfigMap/" + configMap), check.get("ConfigMap/" + configMap),
                            dir + ": " + configMap);
                }
            }

            // hardened as the collector (above), sized for one short run, and no Kubernetes API token: the check
            // makes no API call, and runs before the collector's ServiceAccount exists
            assertEquals(Boolean.FALSE, podSpec(job).get("automountServiceAccountToken"), dir);
            assertNull(podSpec(job).get("serviceAccountName"), dir);
            assertEquals(Boolean.TRUE, at(checkContainer, "securityContext", "readOnlyRootFilesystem"), dir);
            assertNotNull(at(checkContainer, "resources", "limits", "cpu"), dir);
            assertTrue(mebibytes(at(checkContainer, "resources", "limits", "memory"))
                    <= mebibytes(at(collectorContainer, "resources", "limits", "memory")), dir);
            assertTrue(mebibytes(at(checkContainer, "resources", "requests", "memory"))
                    <= mebibytes(at(checkContainer, "resources", "limits", "memory")), dir);
        }
        // the overlays' Kafka security reached the check (the equality above would also hold if it reached neither)
        for (String dir : List.of("k8s/check/msk", "k8s/check/strimzi")) {
            Map<String, Object> variable = env(container(ofKind(render(dir), "Job").get(0)),
                    "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL");
            assertEquals("SASL_SSL", variable == null ? null : variable.get("value"), dir);
        }
    }

    @Test
    void theJobIsNoPartOfTheCollectorsKustomizationsAndApplyingItChangesNoneOfTheirObjects() throws Exception {
        for (Map.Entry<String, String> variant : variants().entrySet()) {
            Map<String, Map<String, Object>> check = render(variant.getKey());
            Map<String, Map<String, Object>> collector = render(variant.getValue());
            assertTrue(ofKind(collector, "Job").isEmpty(), variant.getValue() + ": " + collector.keySet());

            // an object of both is the collector's configuration, unchanged; the rest is the check's own
            for (Map.Entry<String, Map<String, Object>> object : check.entrySet()) {
                if (collector.containsKey(object.getKey())) {
                    assertTrue(object.getKey().startsWith("ConfigMap/") || object.getKey().startsWith("Secret/"),
                            variant.getKey() + ": " + object.getKey());
                    assertEquals(collector.get(object.getKey()), object.getValue(), variant.getKey());
                }
            }
        }
    }

    @Test
    void theChecksPodIsHeldToTheCollectorsNetworkPoliciesAndTakenForNoCollectorPod() throws Exception {
        for (Variant variant : rendered()) {
            String dir = variant.dir();
            Map<String, Map<String, Object>> check = variant.check();
            Map<String, Map<String, Object>> collector = variant.collector();
            Map<String, Object> job = variant.job();
            Map<String, Object> set = variant.set();
            Map<String, Object> pod = podLabels(job);

            // each of the collector's policies has its copy for the check's pod: the same rules, the check's pod
            List<Map<String, Object>> policies = ofKind(collector, "NetworkPolicy");
            assertEquals(policies.size(), ofKind(check, "NetworkPolicy").size(), dir);
            for (Map<String, Object> policy : policies) {
                Map<String, Object> copy = check.get("NetworkPolicy/" + at(policy, "metadata", "name") + "-check");
                assertNotNull(copy, dir + ": " + check.keySet());
                assertEquals(withoutPodSelector(policy), withoutPodSelector(copy), dir);
                assertTrue(selects(at(copy, "spec", "podSelector", "matchLabels"), pod), dir);
                assertFalse(selects(at(policy, "spec", "podSelector", "matchLabels"), pod), dir);
                assertTrue(selects(at(policy, "spec", "podSelector", "matchLabels"), podLabels(set)), dir);
                assertFalse(selects(at(copy, "spec", "podSelector", "matchLabels"), podLabels(set)), dir);
            }

            // the collector's own labels (app.kubernetes.io/name, an overlay's), another component
            Map<String, Object> expected = new TreeMap<>(podLabels(set));
            expected.put("app.kubernetes.io/component", "setup-check");
            assertEquals(expected, new TreeMap<>(pod), dir);
            // nothing of the collector counts the check's pod: Services, budget, spreading, PodMonitor, StatefulSet
            assertFalse(selects(at(set, "spec", "selector", "matchLabels"), pod), dir);
            for (Map<String, Object> object : collector.values()) {
                for (Object selector : List.of(nullToEmpty(at(object, "spec", "selector", "matchLabels")),
                        nullToEmpty("Service".equals(object.get("kind")) ? at(object, "spec", "selector") : null))) {
                    assertFalse(selects(selector, pod), dir + ": " + object.get("kind") + " " + selector);
                }
            }
            for (Map<String, Object> spread : maps(podSpec(set).get("topologySpreadConstraints"))) {
                assertFalse(selects(at(spread, "labelSelector", "matchLabels"), pod), dir);
            }

            // its pods, <job>-<5 characters>, are no collector pods to the alert rules, however the characters fall,
            // and are an instance id the check accepts (its transactional id o365-audit-camel.<pod>.setup-check)
            String jobName = (String) at(job, "metadata", "name");
            for (String pod1 : List.of(jobName + "-24567", jobName + "-x2b4z")) {
                for (Pattern rulePods : alertPodPatterns()) {
                    assertFalse(rulePods.matcher(pod1).matches(), dir + ": " + rulePods + " takes " + pod1);
                }
                CollectorSettings settings = CollectorSettings.from(Map.of("o365.tenant-id", TENANT_ID,
                        "o365.client-id", TENANT_ID, "o365.client-secret", "s", "o365.instance-id", pod1)::get);
                assertEquals(TransactionalProducers.TRANSACTIONAL_ID_PREFIX + pod1 + ".setup-check",
                        new TransactionalProducers(settings, null).transactionalId("setup-check"), dir);
            }
        }
    }

    private static final String TENANT_ID = "00000000-0000-0000-0000-00000000c0de";

    /** Each kustomization rendered once for the whole class (the objects are only read). */
    private static final Map<String, Map<String, Map<String, Object>>> RENDERED = new TreeMap<>();

    /** A check variant rendered beside the collector kustomization it checks. */
    private record Variant(String dir, Map<String, Map<String, Object>> check,
            Map<String, Map<String, Object>> collector) {
        Map<String, Object> job() {
            return ofKind(check, "Job").get(0);
        }

        Map<String, Object> set() {
            return ofKind(collector, "StatefulSet").get(0);
        }
    }

    /** Every check variant, rendered with its collector kustomization. */
    private static List<Variant> rendered() throws IOException, InterruptedException {
        List<Variant> all = new java.util.ArrayList<>();
        for (Map.Entry<String, String> variant : variants().entrySet()) {
            all.add(new Variant(variant.getKey(), render(variant.getKey()), render(variant.getValue())));
        }
        return all;
    }

    private static Map<String, Map<String, Object>> render(String dir) throws IOException, InterruptedException {
        Map<String, Map<String, Object>> objects = RENDERED.get(dir);
        if (objects == null) {
            objects = Manifests.render(dir);
            RENDERED.put(dir, objects);
        }
        return objects;
    }

    /**
     * Each check kustomization and the collector's it checks: k8s/check for k8s, k8s/check/&lt;name&gt; for
     * k8s/overlays/&lt;name&gt;. Every overlay has one, and there is none for anything else.
     */
    static Map<String, String> variants() throws IOException {
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("k8s/check", "k8s");
        List<String> overlays = new ArrayList<>();
        for (String dir : KubernetesWorkloadTest.kustomizations()) {
            if (dir.startsWith("k8s/overlays/")) {
                String name = dir.substring("k8s/overlays/".length());
                overlays.add(name);
                variants.put("k8s/check/" + name, dir);
            }
        }
        List<String> checks;
        try (Stream<Path> dirs = Files.list(Path.of("k8s/check"))) {
            checks = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertEquals(overlays, checks, "k8s/check/<overlay> for every overlay, and only for them");
        return variants;
    }

    /** The Secrets a workload's pod reads: environment variables, envFrom, volumes. */
    private static Set<String> secretsOf(Map<String, Object> workload) {
        Set<String> secrets = new TreeSet<>();
        Map<String, Object> container = container(workload);
        for (Map<String, Object> variable : maps(container.get("env"))) {
            addIfPresent(secrets, at(variable, "valueFrom", "secretKeyRef", "name"));
        }
        for (Map<String, Object> source : maps(container.get("envFrom"))) {
            addIfPresent(secrets, at(source, "secretRef", "name"));
        }
        for (Map<String, Object> volume : maps(podSpec(workload).get("volumes"))) {
            addIfPresent(secrets, at(volume, "secret", "secretName"));
        }
        return secrets;
    }

    private static void addIfPresent(Set<String> names, Object name) {
        if (name != null) {
            names.add((String) name);
        }
    }

    /** A NetworkPolicy's rules, without its name, labels and podSelector. */
    private static Map<String, Object> withoutPodSelector(Map<String, Object> policy) {
        Map<String, Object> spec = new TreeMap<>(cast((Map<?, ?>) policy.get("spec")));
        Map<String, Object> selector = new TreeMap<>(cast((Map<?, ?>) at(spec, "podSelector", "matchLabels")));
        selector.remove("app.kubernetes.io/component");
        spec.put("podSelector", selector);
        return spec;
    }

    private static Object nullToEmpty(Object matchLabels) {
        return matchLabels == null ? Map.of() : matchLabels;
    }

    /** The pod patterns of the alert rules (pod=~"..."), which Prometheus anchors at both ends. */
    private static List<Pattern> alertPodPatterns() throws IOException {
        List<Pattern> patterns = new ArrayList<>();
        Matcher pod = Pattern.compile("pod\\s*=~\\s*\"([^\"]*)\"")
                .matcher(Files.readString(Path.of("k8s/components/monitoring/prometheusrule.yaml")));
        while (pod.find()) {
            patterns.add(Pattern.compile(pod.group(1)));
        }
        assertFalse(patterns.isEmpty());
        return patterns;
    }

    /** 512Mi, 1Gi in MiB. */
    private static long mebibytes(Object quantity) {
        String value = String.valueOf(quantity);
        if (value.endsWith("Gi")) {
            return Long.parseLong(value.substring(0, value.length() - 2)) * 1024;
        }
        assertTrue(value.endsWith("Mi"), value);
        return Long.parseLong(value.substring(0, value.length() - 2));
    }
}
