package io.github.o365auditcamel.k8s;

import static io.github.o365auditcamel.k8s.Manifests.at;
import static io.github.o365auditcamel.k8s.Manifests.container;
import static io.github.o365auditcamel.k8s.Manifests.env;
import static io.github.o365auditcamel.k8s.Manifests.maps;
import static io.github.o365auditcamel.k8s.Manifests.object;
import static io.github.o365auditcamel.k8s.Manifests.ofKind;
import static io.github.o365auditcamel.k8s.Manifests.podLabels;
import static io.github.o365auditcamel.k8s.Manifests.podSpec;
import static io.github.o365auditcamel.k8s.Manifests.render;
import static io.github.o365auditcamel.k8s.Manifests.selects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicies of k8s/ and its overlays, as they add up for the collector's pods: ingress only to the
 * management port and only from the monitoring namespace; egress to DNS, HTTPS and the Kubernetes API in one policy,
 * and to Kafka in another (o365-audit-camel-kafka), whose ports are the setting that components/kafka-ports-msk
 * replaces; and in every overlay the brokers the collector is given are on ports it may reach.
 */
class KubernetesNetworkPolicyTest {

    private static final Set<String> KAFKA_DEFAULT = Set.of("9092/TCP", "9093/TCP");
    private static final Set<String> KAFKA_MSK = Set.of("9094/TCP", "9096/TCP", "9098/TCP");
    private static final Set<String> DNS_HTTPS_API = Set.of("53/UDP", "53/TCP", "443/TCP", "6443/TCP");

    @Test
    void onlyTheMonitoringNamespaceReachesThePodsAndOnlyOnTheManagementPort() throws Exception {
        int managementPort = KubernetesWorkloadTest.managementPort();
        for (String dir : KubernetesWorkloadTest.kustomizations()) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            List<Map<String, Object>> ingress = policiesOf(objects, set).stream()
                    .filter(p -> ((List<?>) at(p, "spec", "policyTypes")).contains("Ingress"))
                    .flatMap(p -> maps(at(p, "spec", "ingress")).stream()).toList();

            // one rule: port 9876 from namespaces named by kubernetes.io/metadata.name, nothing else
            assertEquals(1, ingress.size(), dir + ": " + ingress);
            Map<String, Object> rule = ingress.get(0);
            assertEquals(Set.of(managementPort + "/TCP"), ports(rule), dir);
            Set<String> namespaces = new TreeSet<>();
            for (Map<String, Object> peer : maps(rule.get("from"))) {
                assertEquals(Set.of("namespaceSelector"), peer.keySet(), dir + ": no pods, no addresses: " + peer);
                Map<?, ?> labels = (Map<?, ?>) at(peer, "namespaceSelector", "matchLabels");
                assertEquals(Set.of("kubernetes.io/metadata.name"), labels.keySet(), dir);
                namespaces.add((String) labels.get("kubernetes.io/metadata.name"));
            }
            // the example production overlay admits Hawtio Online's namespace too, by the documented patch
            assertEquals(dir.endsWith("/strimzi") ? Set.of("monitoring", "hawtio") : Set.of("monitoring"), namespaces,
                    dir);
        }
    }

    @Test
    void kafkaEgressIsAPolicyOfItsOwnWhosePortsTheMskComponentReplaces() throws Exception {
        for (String dir : KubernetesWorkloadTest.kustomizations()) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            Map<String, Object> main = object(objects, "NetworkPolicy/" + at(set, "metadata", "name"));
            Map<String, Object> kafka = ofKind(objects, "NetworkPolicy").stream()
                    .filter(p -> !p.equals(main)).findFirst().orElseThrow();
            assertEquals(2, policiesOf(objects, set).size(), dir);

            // DNS, HTTPS (the login and API hosts, the blob URIs) and the Kubernetes API, the same everywhere
            assertEquals(DNS_HTTPS_API, egressPorts(main), dir);
            // Kafka: its own object, egress only, so that replacing its rule touches nothing else
            assertEquals(List.of("Egress"), at(kafka, "spec", "policyTypes"), dir);
            assertEquals(dir.endsWith("/msk") ? KAFKA_MSK : KAFKA_DEFAULT, egressPorts(kafka), dir);
        }
    }

    @Test
    void theBrokersOfEveryOverlayAreOnPortsThePodsMayReach() throws Exception {
        for (String dir : KubernetesWorkloadTest.kustomizations()) {
            Map<String, Map<String, Object>> objects = render(dir);
            Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
            Set<String> allowed = new TreeSet<>();
            for (Map<String, Object> policy : policiesOf(objects, set)) {
                allowed.addAll(egressPorts(policy));
            }
            String brokers = brokers(objects, set);
            for (String broker : brokers.split(",")) {
                String port = broker.strip().substring(broker.strip().lastIndexOf(':') + 1);
                assertTrue(allowed.contains(port + "/TCP"), dir + ": broker " + broker + " but egress to " + allowed);
            }
            assertFalse(allowed.contains("9876/TCP"), dir);
        }
    }

    /** The brokers the collector is given: KAFKA_BROKERS, or kafka.brokers of the mounted settings. */
    static String brokers(Map<String, Map<String, Object>> objects, Map<String, Object> set) throws Exception {
        Map<String, Object> variable = env(container(set), "KAFKA_BROKERS");
        if (variable != null) {
            return (String) variable.get("value");
        }
        String configMap = maps(podSpec(set).get("volumes")).stream().filter(v -> "config".equals(v.get("name")))
                .map(v -> (String) at(v, "configMap", "name")).findFirst().orElseThrow();
        Properties settings = new Properties();
        settings.load(new StringReader((String) at(object(objects, "ConfigMap/" + configMap), "data",
                "application.properties")));
        String brokers = settings.getProperty("kafka.brokers");
        assertNotNull(brokers);
        return brokers;
    }

    /** The NetworkPolicies that apply to the StatefulSet's pods. */
    static List<Map<String, Object>> policiesOf(Map<String, Map<String, Object>> objects, Map<String, Object> set) {
        return ofKind(objects, "NetworkPolicy").stream()
                .filter(p -> selects(at(p, "spec", "podSelector", "matchLabels"), podLabels(set))).toList();
    }

    /** Every port/protocol a policy's egress rules allow; its rules name no destination here. */
    static Set<String> egressPorts(Map<String, Object> policy) {
        Set<String> ports = new TreeSet<>();
        for (Map<String, Object> rule : maps(at(policy, "spec", "egress"))) {
            ports.addAll(ports(rule));
        }
        return ports;
    }

    private static Set<String> ports(Map<String, Object> rule) {
        Set<String> ports = new TreeSet<>();
        for (Map<String, Object> port : maps(rule.get("ports"))) {
            ports.add(port.get("port") + "/" + port.get("protocol"));
        }
        return ports;
    }
}
