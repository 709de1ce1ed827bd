package io.github.o365auditcamel.k8s;

import static io.github.o365auditcamel.k8s.Manifests.at;
import static io.github.o365auditcamel.k8s.Manifests.cast;
import static io.github.o365auditcamel.k8s.Manifests.first;
import static io.github.o365auditcamel.k8s.Manifests.list;
import static io.github.o365auditcamel.k8s.Manifests.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.tenancy.TenantsFile;
import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Renders k8s/ with {@code kubectl kustomize} (as {@code kubectl apply -k k8s} would) and checks the objects: the
 * probes point at the management server's real paths and port, the routes ConfigMap holds every route file as it is
 * in routes/, the Secret's keys are the variables the application reads, Hawtio Online finds a port named jolokia,
 * the pod runs locked down, and the second-tenant overlay renders objects of its own. The StatefulSet's identity,
 * spreading and disruption budget: {@link KubernetesWorkloadTest}; the NetworkPolicies:
 * {@link KubernetesNetworkPolicyTest}; the components: {@link KubernetesMonitoringTest},
 * {@link KubernetesStrimziTest}; the setup check's Job: {@link KubernetesSetupCheckTest}. Skipped, saying so, where
 * kubectl is missing.
 */
class KubernetesManifestsTest {

    @Test
    void theBaseRendersWithProbesConfigAndSecretsThatMatchTheApplication() throws Exception {
        Map<String, Map<String, Object>> objects = render("k8s");

        Map<String, Object> statefulSet = objects.get("StatefulSet/o365-audit-camel");
        Map<String, Object> container = first(list(at(statefulSet, "spec", "template", "spec", "containers")));

        // health probes on the management port, at the paths the management server serves
        assertEquals("/observe/health/live", at(container, "livenessProbe", "httpGet", "path"));
        assertEquals("/observe/health/ready", at(container, "readinessProbe", "httpGet", "path"));
        assertEquals("jolokia", at(container, "livenessProbe", "httpGet", "port"));
        Map<String, Object> port = first(list(container.get("ports")));
        assertEquals("jolokia", port.get("name"), "the port Hawtio Online looks for");
        String settings = Files.readString(Path.of("k8s/base/application.properties"));
        assertTrue(settings.contains("o365.management-port = " + port.get("containerPort")), settings);
        assertTrue(Files.readString(Path.of("application.properties"))
                .contains("camel.management.port = {{o365.management-port}}"));
        assertEquals("/observe/jolokia/", at(statefulSet, "spec", "template", "metadata", "annotations",
                "hawt.io/jolokiaPath"));
        // the Service names the same port for what scrapers look for (KubernetesWorkloadTest checks the naming)
        Map<String, Object> service = objects.get("Service/o365-audit-camel");
        assertEquals("metrics", first(list(at(service, "spec", "ports"))).get("name"));
        assertEquals("jolokia", first(list(at(service, "spec", "ports"))).get("targetPort"));

        // the routes ConfigMap is routes/, file for file
        Map<String, Object> routes = objects.get("ConfigMap/o365-audit-camel-routes");
        Map<String, String> shipped = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                shipped.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        assertEquals(shipped, routes.get("data"), "every route file, unchanged");
        assertTrue(objects.keySet().stream().anyMatch(k -> k.startsWith("ConfigMap/o365-audit-camel-config-")),
                "settings ConfigMap, named by its content");

        // the routes ConfigMap is mounted where O365_ROUTES_SOURCE_DIR says, and copied into a writable /app/routes
        String source = null;
        for (Map<String, Object> env : Manifests.<Map<String, Object>>typed(list(container.get("env")))) {
            if ("O365_ROUTES_SOURCE_DIR".equals(env.get("name"))) {
                source = (String) env.get("value");
            }
        }
        Map<String, String> mounts = new TreeMap<>();
        for (Map<String, Object> mount : Manifests.<Map<String, Object>>typed(list(container.get("volumeMounts")))) {
            mounts.put((String) mount.get("mountPath"), (String) mount.get("name"));
        }
        Map<String, Map<String, Object>> volumes = new TreeMap<>();
        for (Map<String, Object> volume : Manifests.<Map<String, Object>>typed(
                list(at(statefulSet, "spec", "template", "spec", "volumes")))) {
            volumes.put((String) volume.get("name"), volume);
        }
        assertEquals("o365-audit-camel-routes", at(volumes.get(mounts.get(source)), "configMap", "name"));
        assertTrue(volumes.get(mounts.get("/app/routes")).containsKey("emptyDir"), "a writable working copy");

        // the Secret's keys are exactly what the StatefulSet reads, and what the application reads
        Set<String> fromSecret = new TreeSet<>();
        for (Map<String, Object> env : Manifests.<Map<String, Object>>typed(list(container.get("env")))) {
            if (at(env, "valueFrom", "secretKeyRef") != null) {
                assertEquals(env.get("name"), at(env, "valueFrom", "secretKeyRef", "key"));
                fromSecret.add((String) env.get("name"));
            }
        }
        Map<String, Object> secret = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("k8s/secret.example.yaml"))) instanceof Map<?, ?> m
                ? cast(m) : Map.of();
        assertEquals(fromSecret, new TreeSet<>(((Map<?, ?>) secret.get("stringData")).keySet()));
        assertEquals(Set.of(CollectorSettings.variableOf("o365.tenant-id"), CollectorSettings.variableOf(
                "o365.client-id"), CollectorSettings.variableOf("o365.client-secret")), fromSecret);
        assertTrue(((Map<?, ?>) secret.get("stringData")).values().stream()
                .allMatch(v -> v.equals("replace-me") || v.equals("00000000-0000-0000-0000-000000000000")),
                "placeholders only");

        // locked down
        assertEquals(Boolean.TRUE, at(statefulSet, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
        assertEquals(Boolean.TRUE, at(container, "securityContext", "readOnlyRootFilesystem"));
        assertEquals(Boolean.FALSE, at(container, "securityContext", "allowPrivilegeEscalation"));
        assertTrue(at(container, "resources", "limits", "memory") != null);
        for (String kind : List.of("ServiceAccount", "NetworkPolicy", "PodDisruptionBudget")) {
            assertTrue(objects.containsKey(kind + "/o365-audit-camel"), kind);
        }
        assertTrue(objects.containsKey("NetworkPolicy/o365-audit-camel-kafka"), objects.keySet().toString());

        // several replicas: one lists, elected through a Lease the pod's service account may keep
        assertTrue(((Number) at(statefulSet, "spec", "replicas")).intValue() >= 2, "a standby for the listing");
        assertTrue(settings.contains("o365.cluster = kubernetes"), settings);
        Map<String, Object> role = objects.get("Role/o365-audit-camel-leader-election");
        Set<String> leaseVerbs = new TreeSet<>();
        for (Map<String, Object> rule : Manifests.<Map<String, Object>>typed(list(role.get("rules")))) {
            if (list(rule.get("resources")).contains("leases")) {
                assertEquals(List.of("coordination.k8s.io"), rule.get("apiGroups"));
                leaseVerbs.addAll(Manifests.<String>typed(list(rule.get("verbs"))));
            }
        }
        assertTrue(leaseVerbs.containsAll(List.of("get", "create", "update")), leaseVerbs.toString());
        Map<String, Object> binding = objects.get("RoleBinding/o365-audit-camel-leader-election");
        assertEquals(at(statefulSet, "spec", "template", "spec", "serviceAccountName"),
                first(list(binding.get("subjects"))).get("name"));
        // the Lease needs the account's token, CA and namespace in the pod
        assertEquals(Boolean.TRUE, at(statefulSet, "spec", "template", "spec", "automountServiceAccountToken"));
        // the Lease's candidates are the pods that carry the label the cluster service looks for
        assertEquals("o365-audit-camel", at(statefulSet, "spec", "template", "metadata", "labels",
                "app.kubernetes.io/name"));
    }

    @Test
    void theSecondTenantOverlayRendersObjectsOfItsOwn() throws Exception {
        Map<String, Map<String, Object>> objects = render("k8s/overlays/second-tenant");

        Map<String, Object> statefulSet = objects.get("StatefulSet/o365-audit-camel-tenant-b");
        assertTrue(statefulSet != null, objects.keySet().toString());
        Map<String, Object> container = first(list(at(statefulSet, "spec", "template", "spec", "containers")));
        for (Map<String, Object> env : Manifests.<Map<String, Object>>typed(list(container.get("env")))) {
            Object secret = at(env, "valueFrom", "secretKeyRef", "name");
            if (secret != null) {
                assertEquals("o365-audit-camel-tenant-b-credentials", secret);
            }
        }
        assertNotEquals(at(objects.get("StatefulSet/o365-audit-camel-tenant-b"), "spec", "selector"),
                at(render("k8s").get("StatefulSet/o365-audit-camel"), "spec", "selector"),
                "the two tenants' pods are told apart");
    }

    @Test
    void theTenantsOverlayTakesEveryTenantFromItsSecretAndMountsTheCertificateReadable() throws Exception {
        Map<String, Map<String, Object>> objects = render("k8s/overlays/tenants");

        Map<String, Object> pod = cast((Map<?, ?>) at(objects.get("StatefulSet/o365-audit-camel"), "spec",
                "template", "spec"));
        Map<String, Object> container = first(list(pod.get("containers")));
        Map<String, String> env = new TreeMap<>();
        for (Map<String, Object> e : Manifests.<Map<String, Object>>typed(list(container.get("env")))) {
            env.put((String) e.get("name"), (String) e.get("value"));
        }
        assertFalse(env.containsKey("O365_TENANT_ID"), "no top-level tenant next to O365_TENANTS: " + env);
        assertFalse(env.containsKey("O365_CLIENT_SECRET"));
        // the tenants Secret is the tenants file: a read-only mount, without subPath (which is never updated)
        String tenantsFile = env.get("O365_TENANTS_FILE");
        Map<String, Object> tenantsMount = Manifests.<Map<String, Object>>typed(list(container.get("volumeMounts")))
                .stream().filter(m -> tenantsFile.equals(m.get("mountPath"))).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, tenantsMount.get("readOnly"));
        assertFalse(tenantsMount.containsKey("subPath"));
        Map<String, Object> tenantsVolume = Manifests.<Map<String, Object>>typed(list(pod.get("volumes"))).stream()
                .filter(v -> v.get("name").equals(tenantsMount.get("name"))).findFirst().orElseThrow();
        assertEquals("o365-audit-camel-tenants", at(tenantsVolume, "secret", "secretName"));
        // the certificate path lies in a read-only mount of the certificate Secret, readable by the pod's group
        String certificate = env.get("O365_TENANT_FABRIKAM_CLIENT_CERTIFICATE");
        Map<String, Object> mount = Manifests.<Map<String, Object>>typed(list(container.get("volumeMounts"))).stream()
                .filter(m -> certificate.startsWith(m.get("mountPath") + "/")).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, mount.get("readOnly"));
        Map<String, Object> volume = Manifests.<Map<String, Object>>typed(list(pod.get("volumes"))).stream()
                .filter(v -> v.get("name").equals(mount.get("name"))).findFirst().orElseThrow();
        assertEquals("o365-audit-camel-fabrikam-certificate", at(volume, "secret", "secretName"));
        int mode = ((Number) at(volume, "secret", "defaultMode")).intValue();
        assertTrue((mode & 0040) != 0, "group-readable for the pod's fsGroup: " + Integer.toOctalString(mode));

        // the example Secret, mounted as the kubelet does (a file per key), with the overlay's certificate variable, is
        // a tenants file the collector accepts
        Path mounted = Files.createTempDirectory("tenants");
        List<Object> examples = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(
                Path.of("k8s/overlays/tenants/secret.example.yaml"))).forEach(examples::add);
        for (var entry : cast((Map<?, ?>) at(cast((Map<?, ?>) examples.get(0)), "stringData")).entrySet()) {
            Files.writeString(mounted.resolve(entry.getKey()), String.valueOf(entry.getValue()));
        }
        Path pem = TestCertificate.generate("fabrikam")
                .writePem(Files.createTempFile("fabrikam", ".pem"));
        Map<String, String> variables = new TreeMap<>();
        variables.put("O365_TENANTS_FILE", mounted.toString());
        variables.put("O365_TENANT_FABRIKAM_CLIENT_CERTIFICATE", pem.toString());
        java.util.function.Function<String, String> environment = p -> variables.get(CollectorSettings.variableOf(p));
        TenantsFile file = TenantsFile.of(environment);
        List<CollectorSettings> tenants = CollectorSettings.allFrom(TenantsFile.over(environment, file.read()));
        Files.delete(pem);
        assertEquals(List.of("contoso", "fabrikam"), tenants.stream()
                .map(CollectorSettings::tenantName).toList());
        assertFalse(tenants.get(0).usesCertificate());
        assertTrue(tenants.get(1).usesCertificate());
        assertEquals(io.github.o365auditcamel.config.Cloud.GCC_HIGH, tenants.get(1).cloud());
    }
}
