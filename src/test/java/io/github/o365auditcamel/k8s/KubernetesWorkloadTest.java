package io.github.o365auditcamel.k8s;

import static io.github.o365auditcamel.k8s.Manifests.at;
import static io.github.o365auditcamel.k8s.Manifests.container;
import static io.github.o365auditcamel.k8s.Manifests.env;
import static io.github.o365auditcamel.k8s.Manifests.maps;
import static io.github.o365auditcamel.k8s.Manifests.ofKind;
import static io.github.o365auditcamel.k8s.Manifests.podLabels;
import static io.github.o365auditcamel.k8s.Manifests.podSpec;
import static io.github.o365auditcamel.k8s.Manifests.render;
import static io.github.o365auditcamel.k8s.Manifests.selects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.publish.TransactionalProducers;
import org.junit.jupiter.api.Test;

/**
 * The collector's workload in k8s/ and in every overlay under k8s/overlays/: a StatefulSet, so that a pod's
 * replacement has its name, hence its O365_INSTANCE_ID and its transactional ids, and fences its predecessor; replicas
 * spread over nodes; a disruption budget that lets pods that are not ready go; and the management port named jolokia
 * on the pod (for Hawtio Online) and metrics on the Services.
 */
class KubernetesWorkloadTest {

    private static final String TENANT_ID = "00000000-0000-0000-0000-00000000c0de";

    @Test
    void everyOverlayRunsTheCollectorAsAStatefulSetWhosePodNamesAreTheInstanceIds() throws Exception {
        for (String dir : kustomizations()) {
            Map<String, Map<String, Object>> objects = render(dir);
            assertTrue(ofKind(objects, "Deployment").isEmpty(), dir + ": " + objects.keySet());
            List<Map<String, Object>> sets = ofKind(objects, "StatefulSet");
            assertEquals(1, sets.size(), dir + ": " + objects.keySet());
            Map<String, Object> set = sets.get(0);
            String name = (String) at(set, "metadata", "name");

            assertEquals("Parallel", at(set, "spec", "podManagementPolicy"), dir);
            assertNull(at(set, "spec", "volumeClaimTemplates"), dir + ": the collector keeps nothing on disk");
            // the pods carry the label controller-revision-hash = name-<10 characters>, at most 63 in all
            assertTrue(name.length() <= 52, dir + ": " + name);
            int replicas = ((Number) at(set, "spec", "replicas")).intValue();
            assertTrue(replicas >= 2, dir + ": a standby for the listing");

            // the governing Service exists, is headless and selects exactly these pods
            Map<String, Object> governing = objects.get("Service/" + at(set, "spec", "serviceName"));
            assertTrue(governing != null, dir + ": serviceName " + at(set, "spec", "serviceName"));
            assertEquals("None", at(governing, "spec", "clusterIP"), dir);
            assertEquals(at(set, "spec", "selector", "matchLabels"), at(governing, "spec", "selector"), dir);
            assertTrue(selects(at(set, "spec", "selector", "matchLabels"), podLabels(set)), dir);

            // O365_INSTANCE_ID is the pod's own name, o365-audit-camel-0, -1, ...: what the replacement pod gets again
            Map<String, Object> instanceId = env(container(set), "O365_INSTANCE_ID");
            assertEquals("metadata.name", at(instanceId, "valueFrom", "fieldRef", "fieldPath"), dir);
            assertNull(instanceId.get("value"), dir);

            // ... and each such name is an instance id the collector accepts, naming transactional ids of its own
            Set<String> transactionalIds = new HashSet<>();
            for (int ordinal = 0; ordinal < replicas + 3; ordinal++) {
                String pod = name + "-" + ordinal;
                CollectorSettings settings = CollectorSettings.from(Map.of(
                        "o365.tenant-id", TENANT_ID, "o365.client-id", TENANT_ID, "o365.client-secret", "s",
                        "o365.instance-id", pod)::get);
                assertEquals(pod, settings.instanceId());
                String id = new TransactionalProducers(settings, null)
                        .transactionalId(TransactionalProducers.refsSlot(0));
                assertTrue(id.contains("." + pod + "."), id);
                assertTrue(transactionalIds.add(id), id);
            }
        }
    }

    @Test
    void theSecondTenantsStatefulSetHasAGoverningServiceAndPodsOfItsOwn() throws Exception {
        Map<String, Object> first = render("k8s").get("StatefulSet/o365-audit-camel");
        Map<String, Map<String, Object>> objects = render("k8s/overlays/second-tenant");
        Map<String, Object> second = objects.get("StatefulSet/o365-audit-camel-tenant-b");

        assertEquals("o365-audit-camel-tenant-b", at(second, "metadata", "name"),
                "pods o365-audit-camel-tenant-b-0, -1: never the first tenant's names, so never its instance ids");
        assertEquals("o365-audit-camel-headless-tenant-b", at(second, "spec", "serviceName"));
        assertFalse(selects(at(second, "spec", "selector", "matchLabels"), podLabels(first)));
        // spreading and the budget count this tenant's pods only
        for (Map<String, Object> spread : maps(podSpec(second).get("topologySpreadConstraints"))) {
            assertEquals(at(second, "spec", "selector", "matchLabels"), at(spread, "labelSelector", "matchLabels"));
        }
        assertEquals(at(second, "spec", "selector"),
                at(objects.get("PodDisruptionBudget/o365-audit-camel-tenant-b"), "spec", "selector"));
        // a data plane of its own: its own state and content-refs topics (so its own fetcher group and Leases)
        for (String variable : List.of("O365_STATE_TOPIC", "O365_CONTENT_REFS_TOPIC")) {
            Map<String, Object> own = env(container(second), variable);
            assertTrue(own != null && String.valueOf(own.get("value")).contains("tenant-b"), variable + ": " + own);
            assertNull(env(container(first), variable), variable + ": the first tenant keeps the default");
        }
    }

    @Test
    void replicasAreSpreadOverNodesAndZonesAsAPreferenceNeverAsARule() throws Exception {
        for (String dir : kustomizations()) {
            Map<String, Object> set = ofKind(render(dir), "StatefulSet").get(0);
            Map<String, Map<String, Object>> byKey = new TreeMap<>();
            for (Map<String, Object> spread : maps(podSpec(set).get("topologySpreadConstraints"))) {
                byKey.put((String) spread.get("topologyKey"), spread);
                assertEquals("ScheduleAnyway", spread.get("whenUnsatisfiable"), dir + ": " + spread);
                assertEquals(1, spread.get("maxSkew"), dir);
                // it counts exactly the StatefulSet's own pods
                assertEquals(at(set, "spec", "selector", "matchLabels"), at(spread, "labelSelector", "matchLabels"),
                        dir);
            }
            assertEquals(Set.of("kubernetes.io/hostname", "topology.kubernetes.io/zone"), byKey.keySet(), dir);
        }
    }

    @Test
    void theDisruptionBudgetKeepsAllButOnePodAndLetsPodsThatAreNotReadyGo() throws Exception {
        for (String dir : kustomizations()) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            List<Map<String, Object>> budgets = ofKind(objects, "PodDisruptionBudget");
            assertEquals(1, budgets.size(), dir);
            Map<String, Object> budget = budgets.get(0);
            assertEquals(1, at(budget, "spec", "maxUnavailable"), dir);
            assertEquals("AlwaysAllow", at(budget, "spec", "unhealthyPodEvictionPolicy"), dir);
            assertEquals(at(set, "spec", "selector"), at(budget, "spec", "selector"), dir);
        }
    }

    @Test
    void theManagementPortIsNamedJolokiaOnThePodForHawtioOnlineAndMetricsOnTheServices() throws Exception {
        int managementPort = managementPort();
        for (String dir : kustomizations()) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            Map<String, Object> container = container(set);

            // one container port: Hawtio Online connects to the one named jolokia
            List<Map<String, Object>> ports = maps(container.get("ports"));
            assertEquals(1, ports.size(), dir + ": " + ports);
            assertEquals("jolokia", ports.get(0).get("name"), dir);
            assertEquals(managementPort, ports.get(0).get("containerPort"), dir);
            assertEquals("/observe/jolokia/", at(set, "spec", "template", "metadata", "annotations",
                    "hawt.io/jolokiaPath"), dir);
            assertEquals("http", at(set, "spec", "template", "metadata", "annotations", "hawt.io/protocol"), dir);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                assertEquals("jolokia", at(container, probe, "httpGet", "port"), dir + " " + probe);
            }

            // every Service of the pods calls that port metrics
            List<Map<String, Object>> services = ofKind(objects, "Service").stream()
                    .filter(s -> selects(at(s, "spec", "selector"), podLabels(set))).toList();
            assertEquals(2, services.size(), dir + ": the Service and the StatefulSet's headless one");
            for (Map<String, Object> service : services) {
                List<Map<String, Object>> servicePorts = maps(at(service, "spec", "ports"));
                assertEquals(1, servicePorts.size(), dir);
                assertEquals("metrics", servicePorts.get(0).get("name"), dir);
                assertEquals("jolokia", servicePorts.get(0).get("targetPort"), dir);
                assertEquals(managementPort, servicePorts.get(0).get("port"), dir);
            }
        }
    }

    /** k8s and each overlay under k8s/overlays. */
    static List<String> kustomizations() throws IOException {
        List<String> dirs = new ArrayList<>(List.of("k8s"));
        try (Stream<Path> overlays = Files.list(Path.of("k8s/overlays"))) {
            overlays.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted()
                    .forEach(d -> dirs.add(d.toString()));
        }
        assertTrue(dirs.contains("k8s/overlays/second-tenant"), dirs.toString());
        return dirs;
    }

    /** o365.management-port of k8s/base/application.properties. */
    static int managementPort() throws IOException {
        for (String line : Files.readAllLines(Path.of("k8s/base/application.properties"))) {
            if (line.startsWith("o365.management-port")) {
                return Integer.parseInt(line.substring(line.indexOf('=') + 1).strip());
            }
        }
        throw new AssertionError("no o365.management-port in k8s/base/application.properties");
    }
}
