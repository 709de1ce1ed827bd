package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar with {@code O365_CLUSTER=kubernetes}, on the libraries of {@code target/lib} alone: the fabric8
 * client that Camel's {@code KubernetesClusterService} builds finds what it needs there (the pom leaves most of the
 * Kubernetes model out, see docs/design.md), takes the shard's Lease in fabric8's mock Kubernetes API, renews it,
 * and, as the leader, lists: every record arrives once. {@code KubernetesLeaseLeadershipTest} checks the election
 * itself (two instances, a takeover) in-process, on the test classpath.
 */
class KubernetesLeaseIT {

    private static final String NAMESPACE = "o365-audit";
    private static final String POD = "o365-audit-camel-0";
    private static final String PREFIX = "lease.";

    @Test
    void theJarTakesTheShardsLeaseRenewsItAndListsOnTheLibrariesItShipsWith() throws Exception {
        java.util.logging.Logger.getLogger(MockWebServer.class.getName()).setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient api = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/")).withNamespace(NAMESPACE).build()).build();
             ManagementApiSimulator simulator = ManagementApiSimulator.builder().blobsPerContentType(2)
                     .recordsPerBlob(10).backlog(Duration.ofHours(6)).seed(43).build();
             EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start()) {
            simulator.start();
            // the StatefulSet's pod, running and ready: the cluster service's only candidate
            api.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(POD)
                    .withNamespace(NAMESPACE).withLabels(Map.of("app.kubernetes.io/name", "o365-audit-camel"))
                    .endMetadata().withNewStatus().withPhase("Running").addNewCondition().withType("Ready")
                    .withStatus("True").endCondition().endStatus().build()).create();

            Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), PREFIX);
            env.put("O365_CLUSTER", "kubernetes");
            env.put("O365_INSTANCE_ID", POD);
            // what a pod's service account gives fabric8's default client, here from its own variables: the API
            // server and the namespace, and no kubeconfig or service account file of the machine running the test
            env.put("KUBERNETES_MASTER", server.url("/"));
            env.put("KUBERNETES_NAMESPACE", NAMESPACE);
            env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
            env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
            env.put("KUBERNETES_TRYNAMESPACEPATH", "false");
            String leaseName = "o365-audit-camel-o365-listing-" + PREFIX + "content-refs-shard-"
                    + CollectorSettings.listingShard(simulator.tenantId(), 8);

            try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
                collector.awaitOutput("This instance (" + POD + ") now lists the content of tenant "
                        + simulator.tenantId(), Duration.ofSeconds(90));
                Lease lease = api.leases().inNamespace(NAMESPACE).withName(leaseName).get();
                assertNotNull(lease, "Lease " + NAMESPACE + "/" + leaseName + "\n" + collector.output());
                assertEquals(POD, lease.getSpec().getHolderIdentity());
                ZonedDateTime acquired = lease.getSpec().getAcquireTime();

                int expected = simulator.recordCount();
                try (TopicReader reader = new TopicReader(broker.bootstrapServers(),
                        CollectorProcess.recordTopics(PREFIX))) {
                    List<TopicReader.Record> records = reader.readUntil(r -> r.size() >= expected,
                            Duration.ofSeconds(120));
                    Set<String> ids = new HashSet<>();
                    records.forEach(r -> assertTrue(ids.add(r.key()), "record twice: " + r));
                    assertEquals(expected, records.size(), collector.output());
                }

                // the leader renews the Lease (an update with the resourceVersion it read) every renew deadline (10 s)
                Instant deadline = Instant.now().plusSeconds(30);
                Lease renewed = api.leases().inNamespace(NAMESPACE).withName(leaseName).get();
                while (!renewed.getSpec().getRenewTime().isAfter(acquired) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(500);
                    renewed = api.leases().inNamespace(NAMESPACE).withName(leaseName).get();
                }
                assertTrue(renewed.getSpec().getRenewTime().isAfter(acquired), "renewed: " + renewed.getSpec()
                        + "\n" + collector.output());
                assertEquals(POD, renewed.getSpec().getHolderIdentity());
                assertTrue(collector.isAlive(), collector.output());
                String log = collector.output();
                assertFalse(log.contains("NoClassDefFoundError") || log.contains("ClassNotFoundException"), log);
                assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
                collector.stop();
            }
        } finally {
            server.destroy();
        }
    }
}
