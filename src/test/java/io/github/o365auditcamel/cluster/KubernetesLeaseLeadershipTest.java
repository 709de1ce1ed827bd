package io.github.o365auditcamel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.o365auditcamel.config.CollectorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two collector instances with {@code o365.cluster = kubernetes} elect one listing leader through a Lease, and the
 * other takes over when the leader's pod goes away. The Kubernetes API is fabric8's mock server in CRUD mode, which
 * keeps pods and Leases and refuses a stale {@code resourceVersion} or a second create, as the real API server does.
 * Camel's defaults stand (lease 15 s, renew deadline 10 s, retry period 2 s): the whole takes about 27 s.
 */
class KubernetesLeaseLeadershipTest {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaseLeadershipTest.class);

    private static final String NAMESPACE = "o365-audit";
    private static final String TENANT = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private static final String CLIENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    /** The label k8s/base/kustomization.yaml puts on the StatefulSet's pods. */
    private static final Map<String, String> COLLECTOR_POD_LABELS = Map.of("app.kubernetes.io/name",
            "o365-audit-camel");
    /** The user agent of this test's own client, whose requests are not the collectors'. */
    private static final String TEST_AGENT = "kubernetes-lease-leadership-test";
    /** The fabric8 settings that the cluster service's default client reads, saved and restored around each test. */
    private static final List<String> CLIENT_PROPERTIES = List.of(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY,
            Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY,
            Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY,
            Config.KUBERNETES_TRYNAMESPACE_PATH_SYSTEM_PROPERTY);

    /** The mock server logs every request at INFO through java.util.logging; kept here so that the level stays. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger
            .getLogger(MockWebServer.class.getName());

    private final Map<String, String> savedProperties = new HashMap<>();
    private final List<Instance> instances = new ArrayList<>();
    private KubernetesMockServer server;
    private KubernetesClient api;

    @BeforeEach
    void startTheApi() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        api = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/"))
                .withNamespace(NAMESPACE).withUserAgent(TEST_AGENT).build()).build();
        // ListingLeadership's KubernetesClusterService builds fabric8's default client (Camel ignores a masterUrl or
        // namespace set on a service made with its no-argument constructor). In a pod that client finds the API
        // server, the token and the namespace by itself; here the same client reads the mock's URL and the namespace
        // from fabric8's own settings (the KUBERNETES_MASTER and KUBERNETES_NAMESPACE variables would do the same),
        // with no kubeconfig and no service account file of the machine that runs the test.
        setClientProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, server.url("/"));
        setClientProperty(Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, NAMESPACE);
        setClientProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
        setClientProperty(Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false");
        setClientProperty(Config.KUBERNETES_TRYNAMESPACE_PATH_SYSTEM_PROPERTY, "false");
    }

    @AfterEach
    void stopEverything() {
        for (Instance instance : instances) {
            instance.context.stop();
        }
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.destroy();
        }
        for (String property : CLIENT_PROPERTIES) {
            String saved = savedProperties.get(property);
            if (saved == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, saved);
            }
        }
    }

    @Test
    void twoInstancesElectOneLeaderThroughALeaseAndTheOtherTakesOverWhenTheLeaderStops() throws Exception {
        // the pods of the StatefulSet, running and ready: the cluster service's candidates
        runningReadyPod("o365-audit-camel-7d9f8-a1b2c");
        runningReadyPod("o365-audit-camel-7d9f8-d3e4f");
        Instance a = new Instance("o365-audit-camel-7d9f8-a1b2c");
        Instance b = new Instance("o365-audit-camel-7d9f8-d3e4f");
        KubernetesClusterService service = (KubernetesClusterService) a.leadership.clusterService();
        long retryMillis = (long) (service.getRetryPeriodMillis() * service.getJitterFactor());

        // one leader, and both instances know which
        Duration elected = await(Duration.ofSeconds(10), "one leader that both instances see", a, b,
                () -> (a.leadership.isLeader("default") || b.leadership.isLeader("default")) && a.leaderSeen() != null
                        && a.leaderSeen().equals(b.leaderSeen()));
        Instance leader = a.leadership.isLeader("default") ? a : b;
        Instance follower = leader == a ? b : a;
        assertEquals(leader.id, leader.leaderSeen());
        LOG.info("{} leads after {} ms", leader.id, elected.toMillis());
        // and it stays so over two retry periods, in which the follower looks at the Lease again
        hold(Duration.ofMillis(2 * retryMillis + 500), "the same single leader", a, b,
                () -> leader.leadership.isLeader("default") && !follower.leadership.isLeader("default")
                        && leader.id.equals(follower.leaderSeen()));

        // the Lease in the pods' namespace names the leader
        // (one Lease per listing shard: the tenant's, of the 8 by default)
        String leaseName = "o365-audit-camel-o365-listing-o365-audit-camel.content-refs-shard-"
                + CollectorSettings.listingShard(TENANT, 8);
        Lease lease = api.leases().inNamespace(NAMESPACE).withName(leaseName).get();
        assertNotNull(lease, "Lease " + NAMESPACE + "/" + leaseName);
        assertEquals(leader.id, lease.getSpec().getHolderIdentity());
        assertEquals(service.getLeaseDurationMillis() / 1000, lease.getSpec().getLeaseDurationSeconds().longValue());
        assertNotNull(lease.getSpec().getRenewTime());

        // the leader stops, and Kubernetes removes its pod (a rollout, a scale-down, a drained node). The follower
        // takes over once its next look finds the holder no longer among the ready pods, then waits one lease
        // duration (Camel's guard against a former leader still at work) before it lists. Camel 4.18 judges the
        // holder by its pod alone, not by the Lease's renewTime: while the stopped leader's pod stayed listed as
        // running and ready, the follower would never take over.
        leader.context.stop();
        api.pods().inNamespace(NAMESPACE).withName(leader.id).delete();
        // (the stopped instance's isLeader() keeps its last value, so only the follower is watched from here)
        Duration takeover = await(Duration.ofMillis(service.getLeaseDurationMillis() + 2 * retryMillis + 5000),
                "the follower leads", follower, follower, () -> follower.leadership.isLeader("default")
                        && follower.id.equals(follower.leaderSeen()));
        LOG.info("{} took over {} ms after {} stopped", follower.id, takeover.toMillis(), leader.id);
        Lease taken = api.leases().inNamespace(NAMESPACE).withName(leaseName).get();
        assertEquals(follower.id, taken.getSpec().getHolderIdentity());
        assertEquals(1, taken.getSpec().getLeaseTransitions());

        // what the collectors asked of the API is what the Role of k8s/base/rbac.yaml allows
        Set<String> used = collectorRequests();
        LOG.info("API access of the collectors: {}", used);
        assertTrue(used.containsAll(Set.of("pods:list", "coordination.k8s.io/leases:get",
                "coordination.k8s.io/leases:create", "coordination.k8s.io/leases:update")), used.toString());
        Role role = role(Path.of("k8s/base/rbac.yaml"));
        for (String access : used) {
            assertTrue(allows(role, access), access + " is not allowed by " + role.getMetadata().getName());
        }
    }

    /** An instance of the collector as far as the listing leadership goes, in a Camel context of its own. */
    private final class Instance {

        final String id;
        final ListingLeadership leadership;
        final CamelContext context = new DefaultCamelContext();
        final CamelClusterView view;

        Instance(String id) throws Exception {
            this.id = id;
            Map<String, String> properties = Map.of("o365.tenant-id", TENANT, "o365.client-id", CLIENT,
                    "o365.client-secret", "not-a-secret", "o365.cluster", "kubernetes", "o365.instance-id", id);
            CollectorSettings settings = CollectorSettings.from(properties::get);
            leadership = new ListingLeadership(java.util.List.of(settings));
            // shorter than Camel's defaults (lease 15 s, renewal deadline 10 s, retries every 2 s) to keep the test
            // short; the same proportions
            KubernetesClusterService service = (KubernetesClusterService) leadership.clusterService();
            service.setLeaseDurationMillis(6000);
            service.setRenewDeadlineMillis(4000);
            service.setRetryPeriodMillis(1000);
            leadership.addTo(context);
            instances.add(this);
            context.start();
            view = leadership.clusterService().getView(settings.listingLeadership());
        }

        /** The leader as this instance's view of the cluster knows it, or null. */
        String leaderSeen() {
            return view.getLeader().map(CamelClusterMember::getId).orElse(null);
        }
    }

    private void runningReadyPod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .withLabels(COLLECTOR_POD_LABELS).endMetadata()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus().build();
        api.pods().inNamespace(NAMESPACE).resource(pod).create();
        Pod stored = api.pods().inNamespace(NAMESPACE).withName(name).get();
        assertEquals("Running", stored.getStatus().getPhase(), "the mock keeps the pod's status");
    }

    /** Waits for the condition, failing at once if both instances lead at the same moment. */
    private static Duration await(Duration timeout, String what, Instance a, Instance b, BooleanSupplier condition)
            throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            assertFalse(a != b && a.leadership.isLeader("default") && b.leadership.isLeader("default"), "both instances lead");
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                fail(what + ": not within " + timeout.toMillis() + " ms (leaders seen: " + a.leaderSeen() + ", "
                        + b.leaderSeen() + ")");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Checks that the condition holds throughout the given time. */
    private static void hold(Duration time, String what, Instance a, Instance b, BooleanSupplier condition)
            throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < time.toNanos()) {
            assertFalse(a.leadership.isLeader("default") && b.leadership.isLeader("default"), "both instances lead");
            assertTrue(condition.getAsBoolean(), what + " no longer holds after "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * The API accesses the collectors made, as RBAC sees them: {@code [group/]resource:verb}. The mock server
     * records every request; this test's own are told apart by their user agent.
     */
    private Set<String> collectorRequests() throws InterruptedException {
        Set<String> used = new TreeSet<>();
        for (RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS); request != null;
                request = server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            if (TEST_AGENT.equals(request.getHeader("User-Agent"))) {
                continue;
            }
            used.add(access(request.getMethod(), request.getPath()));
        }
        return used;
    }

    /** /api/v1/namespaces/ns/pods?labelSelector=... is pods:list; /apis/g/v1/namespaces/ns/leases/n is g/leases:get. */
    private static String access(String method, String path) {
        String[] query = path.split("\\?", 2);
        String[] segments = query[0].replaceFirst("^/", "").split("/");
        String group;
        int namespaces;
        if (segments[0].equals("api")) {
            group = "";
            namespaces = 2;
        } else {
            group = segments[1];
            namespaces = 3;
        }
        if (segments.length <= namespaces + 2 || !segments[namespaces].equals("namespaces")) {
            return method + " " + path;
        }
        String resource = segments[namespaces + 2];
        boolean named = segments.length > namespaces + 3;
        String verb = switch (method) {
            case "GET" -> named ? "get"
                    : query.length > 1 && query[1].contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method;
        };
        return (group.isEmpty() ? "" : group + "/") + resource + ":" + verb;
    }

    private Role role(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return api.load(in).items().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                    .orElseThrow(() -> new AssertionError("no Role in " + file));
        }
    }

    private static boolean allows(Role role, String access) {
        String[] groupResource = access.split(":")[0].split("/");
        String group = groupResource.length == 2 ? groupResource[0] : "";
        String resource = groupResource[groupResource.length - 1];
        String verb = access.split(":")[1];
        for (PolicyRule rule : role.getRules()) {
            if (rule.getApiGroups().contains(group) && rule.getResources().contains(resource)
                    && (rule.getVerbs().contains(verb) || rule.getVerbs().contains("*"))) {
                return true;
            }
        }
        return false;
    }

    private void setClientProperty(String property, String value) {
        savedProperties.put(property, System.getProperty(property));
        System.setProperty(property, value);
    }
}
