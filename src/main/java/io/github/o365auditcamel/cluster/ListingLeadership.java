package io.github.o365auditcamel.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Who lists each tenant's content: one instance at a time per tenant, elected through Camel's cluster service, which
 * the listing routes use through the {@code master:} component (namespace {@link CollectorSettings#listingLeadership()},
 * one per tenant, so that the tenants' listings may well be spread over the instances). Every instance fetches; only
 * a tenant's leader lists it. {@code o365.cluster} picks the service:
 * <ul>
 * <li>{@code file} (default): a lock file in {@code o365.cluster-directory}, for instances on one machine or on a
 * shared file system;</li>
 * <li>{@code kubernetes}: a Lease in the pod's namespace (RBAC in {@code k8s/base}), for the replicas of the StatefulSet.</li>
 * </ul>
 * Logs each change of leadership, so that an operator sees which instance lists.
 */
public class ListingLeadership extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("o365.cluster");

    /** Label that the StatefulSet's pods carry, so that the Lease's candidates are the collector's pods only. */
    static final Map<String, String> POD_LABELS = Map.of("app.kubernetes.io/name", "o365-audit-camel");

    private final List<CollectorSettings> tenants;
    private final CollectorSettings settings;
    private final CamelClusterService service;
    private final Set<String> leading = ConcurrentHashMap.newKeySet();

    /** @param tenants every tenant's settings (the cluster settings are the same in each) */
    public ListingLeadership(List<CollectorSettings> tenants) {
        this.tenants = tenants;
        this.settings = tenants.get(0);
        this.service = clusterService(settings);
    }

    /** The cluster service to add to the Camel context, where the {@code master:} component finds it. */
    public CamelClusterService clusterService() {
        return service;
    }

    /** Whether this instance lists the tenant's content at the moment. */
    public boolean isLeader(String tenantName) {
        return leading.contains(tenantName);
    }

    static CamelClusterService clusterService(CollectorSettings settings) {
        if (settings.cluster().equals("kubernetes")) {
            KubernetesClusterService kubernetes = new KubernetesClusterService();
            kubernetes.setId("o365-kubernetes-cluster");
            kubernetes.setLeaseResourceType(LeaseResourceType.Lease);
            // the Lease is named <resource name>-<namespace>: o365-audit-camel-o365-listing-<tenant>
            kubernetes.setKubernetesResourceName("o365-audit-camel");
            kubernetes.setClusterLabels(POD_LABELS);
            kubernetes.setPodName(settings.instanceId());
            return kubernetes;
        }
        FileLockClusterService file = new FileLockClusterService();
        file.setId("o365-file-cluster");
        file.setRoot(settings.clusterDirectory());
        file.setAcquireLockDelay(1, TimeUnit.SECONDS);
        // the leader renews every 2 s; a leader silent for 5 renewals is replaced
        file.setAcquireLockInterval(2, TimeUnit.SECONDS);
        file.setHeartbeatTimeoutMultiplier(5);
        return file;
    }

    @Override
    protected void doStart() throws Exception {
        for (CollectorSettings tenant : tenants) {
            CamelClusterView view = service.getView(tenant.listingLeadership());
            view.addEventListener((CamelClusterEventListener.Leadership) (v, member) ->
                    leadershipChanged(tenant, member));
            LOG.info("Listing leadership of tenant {}: {} cluster service, namespace {}; this instance ({}) fetches in"
                    + " any case", tenant.tenantId(), settings.cluster(), tenant.listingLeadership(),
                    settings.instanceId());
        }
    }

    private void leadershipChanged(CollectorSettings tenant, CamelClusterMember member) {
        boolean local = member != null && member.isLocal();
        boolean wasLeader = leading.contains(tenant.tenantName());
        if (local && !wasLeader) {
            LOG.info("This instance ({}) now lists the content of tenant {}", settings.instanceId(),
                    tenant.tenantId());
            leading.add(tenant.tenantName());
        } else if (!local && wasLeader) {
            LOG.info("This instance ({}) no longer lists the content of tenant {}; it goes on fetching",
                    settings.instanceId(), tenant.tenantId());
            leading.remove(tenant.tenantName());
        }
    }

    /** Adds the cluster service, then this, to the context: started before the routes. */
    public void addTo(CamelContext context) throws Exception {
        context.addService(service, true, true);
        context.addService(this, true, true);
    }
}
