package io.github.o365auditcamel.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.config.CollectorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who lists each tenant's content: one instance at a time per tenant, elected through Camel's cluster service. The
 * tenants are shared out in {@code o365.listing-shards} shards (by tenant id, {@link CollectorSettings#listingShard}),
 * each with its own leader (cluster namespace {@link CollectorSettings#listingLeadership()}): a few lock files or
 * Leases whatever the number of tenants, and the shards, so the tenants' listings, spread over the instances. Every
 * instance fetches; only a shard's leader lists its tenants ({@link io.github.o365auditcamel.listing.ListingSchedule}
 * asks {@link #isLeader}). {@code o365.cluster} picks the service:
 * <ul>
 * <li>{@code file} (default): a lock file in {@code o365.cluster-directory}, for instances on one machine or on a
 * shared file system;</li>
 * <li>{@code kubernetes}: a Lease in the pod's namespace (RBAC in {@code k8s/base}), for the replicas of the StatefulSet.</li>
 * </ul>
 * Logs each change of leadership, so that an operator sees which instance lists.
 */
public class ListingLeadership extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("o365.cluster");
    /** How many tenants a line about a shard names. */
    private static final int NAMED_TENANTS = 10;

    /** Label that the StatefulSet's pods carry, so that the Lease's candidates are the collector's pods only. */
    static final Map<String, String> POD_LABELS = Map.of("app.kubernetes.io/name", "o365-audit-camel");

    private final CollectorSettings settings;
    private final CamelClusterService service;
    /** each tenant's settings by its name: its shard is its cluster namespace ({@code listingLeadership()}) */
    private final Map<String, CollectorSettings> tenants = new ConcurrentHashMap<>();
    /** the shards this instance campaigns for: those that have had a tenant since it started */
    private final Set<String> campaigning = new HashSet<>();
    private final Set<String> leading = ConcurrentHashMap.newKeySet();

    /** @param deployment the deployment's settings (its cluster settings); the tenants are {@link #add}ed */
    public ListingLeadership(CollectorSettings deployment) {
        this.settings = deployment;
        this.service = clusterService(deployment);
    }

    /** @param tenants every tenant's settings (the cluster settings are the same in each) */
    public ListingLeadership(List<CollectorSettings> tenants) {
        this(tenants.get(0));
        tenants.forEach(this::add);
    }

    /**
     * A tenant to list when this instance leads its shard. Its shard's leadership is campaigned for from now on, if it
     * was not (a tenant added while the collector runs).
     */
    public synchronized void add(CollectorSettings tenant) {
        tenants.put(tenant.tenantName(), tenant);
        if (isStarted()) {
            campaign(tenant.listingLeadership());
        }
    }

    /** A tenant no longer collected. Its shard's leadership is kept: the shard may have other tenants, or get some. */
    public void remove(String tenantName) {
        tenants.remove(tenantName);
    }

    /** The cluster service to add to the Camel context. */
    public CamelClusterService clusterService() {
        return service;
    }

    /** Whether this instance lists the tenant's content at the moment. */
    public boolean isLeader(String tenantName) {
        CollectorSettings tenant = tenants.get(tenantName);
        return tenant != null && leading.contains(tenant.listingLeadership());
    }

    static CamelClusterService clusterService(CollectorSettings settings) {
        if (settings.cluster().equals("kubernetes")) {
            KubernetesClusterService kubernetes = new KubernetesClusterService();
            kubernetes.setId("o365-kubernetes-cluster");
            kubernetes.setLeaseResourceType(LeaseResourceType.Lease);
            // the Lease is named <resource name>-<namespace>:
            // o365-audit-camel-o365-listing-<content-refs topic>-shard-<n>
            kubernetes.setKubernetesResourceName("o365-audit-camel");
            kubernetes.setClusterLabels(POD_LABELS);
            kubernetes.setPodName(settings.instanceId());
            return kubernetes;
        }
        FileLockClusterService file = new FileLockClusterService();
        file.setId("o365-file-cluster");
        file.setRoot(settings.clusterDirectory());
        // members try the lock on a grid of the renewal interval (a new one waits up to a whole interval for its first
        // try, half of it on average) or, when lock files are there already, after this delay: both short, so that
        // the first listing is not held up
        file.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);
        // the leader renews every second; a leader silent for 10 renewals (10 s) is replaced
        file.setAcquireLockInterval(1, TimeUnit.SECONDS);
        file.setHeartbeatTimeoutMultiplier(10);
        return file;
    }

    @Override
    protected synchronized void doStart() throws Exception {
        for (String shard : new TreeSet<>(tenants.values().stream().map(CollectorSettings::listingLeadership).toList())) {
            campaign(shard);
        }
    }

    /** Campaigns for the shard's leadership, once: taking its view starts the campaign. */
    private void campaign(String shard) {
        if (!campaigning.add(shard)) {
            return;
        }
        try {
            CamelClusterView view = service.getView(shard);
            view.addEventListener((CamelClusterEventListener.Leadership) (v, member) ->
                    leadershipChanged(shard, member));
        } catch (Exception e) {
            campaigning.remove(shard);
            throw new IllegalStateException("could not campaign for the listing leadership of " + shard + ": "
                    + e.getMessage(), e);
        }
        LOG.info("Listing leadership of {}: {} cluster service, namespace {}; this instance ({}) fetches in any case",
                describe(tenantIdsOf(shard)), settings.cluster(), shard, settings.instanceId());
    }

    /** The ids of the shard's tenants, in name order. */
    private List<String> tenantIdsOf(String shard) {
        return new TreeMap<>(tenants).values().stream().filter(t -> t.listingLeadership().equals(shard))
                .map(CollectorSettings::tenantId).toList();
    }

    private void leadershipChanged(String shard, CamelClusterMember member) {
        boolean local = member != null && member.isLocal();
        boolean wasLeader = leading.contains(shard);
        if (local && !wasLeader) {
            LOG.info("This instance ({}) now lists the content of {} ({})", settings.instanceId(),
                    describe(tenantIdsOf(shard)), shard);
            leading.add(shard);
        } else if (!local && wasLeader) {
            LOG.info("This instance ({}) no longer lists the content of {} ({}); it goes on fetching",
                    settings.instanceId(), describe(tenantIdsOf(shard)), shard);
            leading.remove(shard);
        }
    }

    /** {@code tenant 1b2c...}, or {@code 3 tenants: a, b, c}, naming at most ten. */
    private static String describe(List<String> tenantIds) {
        if (tenantIds.isEmpty()) {
            return "no tenant now";
        }
        if (tenantIds.size() == 1) {
            return "tenant " + tenantIds.get(0);
        }
        String named = String.join(", ", tenantIds.subList(0, Math.min(NAMED_TENANTS, tenantIds.size())));
        return tenantIds.size() + " tenants: " + named + (tenantIds.size() > NAMED_TENANTS ? ", ..." : "");
    }

    /** Adds the cluster service, then this, to the context: started before the routes. */
    public void addTo(CamelContext context) throws Exception {
        context.addService(service, true, true);
        context.addService(this, true, true);
    }
}
