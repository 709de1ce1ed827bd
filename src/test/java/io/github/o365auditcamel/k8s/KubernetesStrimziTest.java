package io.github.o365auditcamel.k8s;

import static io.github.o365auditcamel.k8s.Manifests.at;
import static io.github.o365auditcamel.k8s.Manifests.container;
import static io.github.o365auditcamel.k8s.Manifests.env;
import static io.github.o365auditcamel.k8s.Manifests.maps;
import static io.github.o365auditcamel.k8s.Manifests.object;
import static io.github.o365auditcamel.k8s.Manifests.ofKind;
import static io.github.o365auditcamel.k8s.Manifests.podSpec;
import static io.github.o365auditcamel.k8s.Manifests.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.publish.TransactionalProducers;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.junit.jupiter.api.Test;

/**
 * components/strimzi, as k8s/overlays/strimzi renders it: a KafkaTopic for each topic the collector uses, named as
 * its settings name them by default, with the partitions and cleanup the collector relies on; a KafkaUser whose ACLs
 * allow what the collector does (topics, consumer groups, transactional ids, read from the collector's own code) and
 * no more; and the StatefulSet connecting as that user over TLS with the cluster CA.
 */
class KubernetesStrimziTest {

    private static final String OVERLAY = "k8s/overlays/strimzi";
    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    @Test
    void thereIsAKafkaTopicForEachTopicTheCollectorUsesWithTheSettingsItReliesOn() throws Exception {
        Map<String, Map<String, Object>> topics = topics(render(OVERLAY));
        CollectorSettings settings = settings(TENANT_ID, Map.of());

        List<String> records = settings.contentTypes().stream().map(settings::topicFor).toList();
        assertEquals(List.of("o365.audit.azureactivedirectory", "o365.audit.exchange", "o365.audit.sharepoint",
                "o365.audit.general", "o365.dlp.all"), records);
        Set<String> expected = new java.util.TreeSet<>(records);
        expected.addAll(List.of(settings.stateTopic(), settings.contentRefsTopic(), settings.deadLetterTopic()));
        assertEquals(expected, topics.keySet());

        for (Map.Entry<String, Map<String, Object>> topic : topics.entrySet()) {
            Map<String, Object> spec = cast(topic.getValue().get("spec"));
            assertEquals(3, spec.get("replicas"), topic.getKey());
            assertEquals(2, at(spec, "config", "min.insync.replicas"), topic.getKey() + ": acks=all survives a broker");
        }
        // the state is read whole and in order, and only each key's last value counts
        Map<String, Object> state = cast(topics.get(settings.stateTopic()).get("spec"));
        assertEquals(1, state.get("partitions"));
        assertEquals("compact", at(state, "config", "cleanup.policy"));
        // as many partitions as the collector opens transactional producers for (one per partition)
        Map<String, Object> refs = cast(topics.get(settings.contentRefsTopic()).get("spec"));
        assertEquals(settings.contentRefsPartitions(), refs.get("partitions"));
        assertEquals("delete", at(refs, "config", "cleanup.policy"));
        assertEquals(7 * DAY_MS, ((Number) at(refs, "config", "retention.ms")).longValue(),
                "as long as the service keeps the content a reference points to");
        for (String topic : records) {
            Map<String, Object> spec = cast(topics.get(topic).get("spec"));
            assertEquals("delete", at(spec, "config", "cleanup.policy"), topic);
            assertTrue(((Number) at(spec, "config", "retention.ms")).longValue() >= 7 * DAY_MS, topic);
        }
        Map<String, Object> deadLetters = cast(topics.get(settings.deadLetterTopic()).get("spec"));
        assertTrue(((Number) at(deadLetters, "config", "retention.ms")).longValue()
                > settings.deadLetterMaxRetries() * settings.deadLetterMaxRetryDelay().toMillis(),
                "the letters outlive their retries");
    }

    @Test
    void theKafkaUserMayDoWhatTheCollectorDoesAndNoMore() throws Exception {
        Map<String, Map<String, Object>> objects = render(OVERLAY);
        Map<String, Object> user = object(objects, "KafkaUser/o365-audit-camel");
        assertEquals("scram-sha-512", at(user, "spec", "authentication", "type"));
        assertEquals("simple", at(user, "spec", "authorization", "type"));
        List<Map<String, Object>> acls = maps(at(user, "spec", "authorization", "acls"));
        String tenantId = TENANT_ID;

        // the default layout, and one topic per tenant and content type with several tenants
        List<CollectorSettings> layouts = new ArrayList<>(List.of(settings(tenantId, Map.of())));
        layouts.addAll(CollectorSettings.allFrom(Map.of("o365.tenants", "contoso,fabrikam",
                "o365.tenant.contoso.tenant-id", tenantId, "o365.tenant.fabrikam.tenant-id",
                "00000000-0000-0000-0000-00000000fab0", "o365.client-id", tenantId, "o365.client-secret", "s",
                "o365.topic-layout", "per-tenant", "o365.instance-id", "o365-audit-camel-1")::get));
        for (CollectorSettings settings : layouts) {
            for (String topic : List.of(settings.stateTopic(), settings.contentRefsTopic())) {
                for (String operation : List.of("Describe", "Read", "Write")) {
                    assertTrue(allows(acls, "topic", topic, operation), operation + " " + topic);
                }
            }
            // the dead letters are written, never read back: the retries come from the state topic
            assertTrue(allows(acls, "topic", settings.deadLetterTopic(), "Write"));
            assertFalse(allows(acls, "topic", settings.deadLetterTopic(), "Read"));
            for (String contentType : settings.contentTypes()) {
                String topic = settings.topicFor(contentType);
                assertTrue(allows(acls, "topic", topic, "Write"), topic);
                assertTrue(allows(acls, "topic", topic, "Describe"), topic);
                assertFalse(allows(acls, "topic", topic, "Read"), topic + ": the collector never reads records");
            }
            // the one consumer group: the fetchers' (every tenant's; the retries come as content references too)
            assertTrue(allows(acls, "group", settings.fetcherGroup(), "Read"), settings.fetcherGroup());
            // the transactional producers: one per content-refs partition and one for the retries
            TransactionalProducers publisher = new TransactionalProducers(settings, null);
            for (String slot : List.of(TransactionalProducers.refsSlot(0), TransactionalProducers.refsSlot(11),
                    TransactionalProducers.RETRY_SLOT)) {
                String id = publisher.transactionalId(slot);
                assertTrue(allows(acls, "transactionalId", id, "Write"), id);
                assertTrue(allows(acls, "transactionalId", id, "Describe"), id);
            }
        }
        assertTrue(allows(acls, "cluster", null, "IdempotentWrite"));

        // nothing that changes or removes topics, groups or the cluster, and no wildcard
        for (Map<String, Object> acl : acls) {
            List<?> operations = (List<?>) acl.get("operations");
            for (String never : List.of("Create", "Delete", "Alter", "AlterConfigs", "All", "ClusterAction")) {
                assertFalse(operations.contains(never), acl.toString());
            }
            assertFalse("*".equals(at(acl, "resource", "name")), acl.toString());
        }
        assertFalse(allows(acls, "topic", "payments", "Describe"));
        assertFalse(allows(acls, "group", "payments-consumers", "Read"));
    }

    @Test
    void theCollectorConnectsAsThatUserOverTlsTrustingTheClusterCa() throws Exception {
        Map<String, Map<String, Object>> objects = render(OVERLAY);
        Map<String, Object> set = ofKind(objects, "StatefulSet").get(0);
        Map<String, Object> container = container(set);
        Map<String, Object> user = object(objects, "KafkaUser/o365-audit-camel");
        String cluster = (String) at(user, "metadata", "labels", "strimzi.io/cluster");
        for (Map<String, Object> topic : topics(objects).values()) {
            assertEquals(cluster, at(topic, "metadata", "labels", "strimzi.io/cluster"));
        }

        assertEquals("SASL_SSL", value(container, "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", value(container, "CAMEL_COMPONENT_KAFKA_SASL_MECHANISM"));
        // the Secret the User Operator writes for the user: its name, key sasl.jaas.config
        Map<String, Object> jaas = env(container, "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG");
        assertEquals(at(user, "metadata", "name"), at(jaas, "valueFrom", "secretKeyRef", "name"));
        assertEquals("sasl.jaas.config", at(jaas, "valueFrom", "secretKeyRef", "key"));
        // the cluster CA's certificate, as PEM, from Strimzi's <cluster>-cluster-ca-cert, mounted read-only
        assertEquals("PEM", value(container, "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_TYPE"));
        String truststore = value(container, "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION");
        Map<String, Object> mount = maps(container.get("volumeMounts")).stream()
                .filter(m -> truststore.startsWith(m.get("mountPath") + "/")).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, mount.get("readOnly"));
        Map<String, Object> volume = maps(podSpec(set).get("volumes")).stream()
                .filter(v -> v.get("name").equals(mount.get("name"))).findFirst().orElseThrow();
        assertEquals(cluster + "-cluster-ca-cert", at(volume, "secret", "secretName"));
        Map<String, Object> item = maps(at(volume, "secret", "items")).stream()
                .filter(i -> truststore.equals(mount.get("mountPath") + "/" + i.get("path"))).findFirst()
                .orElseThrow();
        assertEquals("ca.crt", item.get("key"));
        // readable by the pod's user, whatever its group
        assertEquals(0444, ((Number) at(volume, "secret", "defaultMode")).intValue() & 0444);
        // the cluster's bootstrap Service (its TLS listener's port is checked against the NetworkPolicy elsewhere)
        assertTrue(value(container, "KAFKA_BROKERS").startsWith(cluster + "-kafka-bootstrap."),
                value(container, "KAFKA_BROKERS"));

        // each CAMEL_COMPONENT_KAFKA_* variable is an option of Camel's Kafka component
        for (Map<String, Object> variable : maps(container.get("env"))) {
            String name = (String) variable.get("name");
            if (name.startsWith("CAMEL_COMPONENT_KAFKA_")) {
                String setter = "set" + camelCase(name.substring("CAMEL_COMPONENT_KAFKA_".length()));
                assertTrue(java.util.Arrays.stream(KafkaConfiguration.class.getMethods())
                        .anyMatch(m -> m.getName().equals(setter)), name + ": no " + setter);
            }
        }
    }

    /** SASL_JAAS_CONFIG to SaslJaasConfig. */
    private static String camelCase(String variable) {
        StringBuilder name = new StringBuilder();
        for (String word : variable.toLowerCase(Locale.ROOT).split("_")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return name.toString();
    }

    /** Whether an ACL of the user allows the operation on the resource (a literal name, or a prefix of it). */
    private static boolean allows(List<Map<String, Object>> acls, String type, String name, String operation) {
        for (Map<String, Object> acl : acls) {
            if (!type.equals(at(acl, "resource", "type")) || !((List<?>) acl.get("operations")).contains(operation)) {
                continue;
            }
            if (type.equals("cluster")) {
                return true;
            }
            String aclName = (String) at(acl, "resource", "name");
            boolean prefix = "prefix".equals(at(acl, "resource", "patternType"));
            if (prefix ? name.startsWith(aclName) : name.equals(aclName)) {
                return true;
            }
        }
        return false;
    }

    /** The KafkaTopics, by the Kafka topic each names. */
    private static Map<String, Map<String, Object>> topics(Map<String, Map<String, Object>> objects) {
        Map<String, Map<String, Object>> topics = new TreeMap<>();
        for (Map<String, Object> topic : ofKind(objects, "KafkaTopic")) {
            String name = (String) at(topic, "spec", "topicName");
            assertNotNull(name, "spec.topicName, so that a namePrefix or nameSuffix renames only the object: " + topic);
            topics.put(name, topic);
        }
        return topics;
    }

    /** A tenant for the settings: the topic names do not depend on it. */
    private static final String TENANT_ID = "00000000-0000-0000-0000-000000000000";

    private static CollectorSettings settings(String tenantId, Map<String, String> more) {
        Map<String, String> properties = new TreeMap<>(more);
        properties.putAll(Map.of("o365.tenant-id", tenantId, "o365.client-id", tenantId, "o365.client-secret", "s",
                "o365.instance-id", "o365-audit-camel-0"));
        return CollectorSettings.from(properties::get);
    }

    private static String value(Map<String, Object> container, String variable) {
        Map<String, Object> env = env(container, variable);
        assertNotNull(env, variable);
        return (String) env.get("value");
    }

    private static Map<String, Object> cast(Object map) {
        return Manifests.cast((Map<?, ?>) map);
    }
}
