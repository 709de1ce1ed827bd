package io.github.o365auditcamel.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.SimulatorBuilder;
import io.github.o365auditcamel.simulator.TenantSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The benchmark's tenants dimension (BENCH_TENANTS): the simulator serves that many tenants, each with the same volume
 * and a tenant id of its own (GUIDs drawn from the seed), and the collector is configured for all of them with one app
 * registration (the top-level client id and secret, which every tenant of the simulator accepts: {@link TenantSpec}
 * leaves them to the primary tenant's). One tenant is configured as before the dimension existed: the simulator's
 * default tenant, {@code O365_TENANT_ID}. Also counts what the counting consumer saw per tenant (the record header
 * {@code o365.tenantId}), and tells when each tenant's first listing reached the simulator.
 */
final class BenchTenants {

    /** The collector's record header that names a record's tenant id. */
    private static final String TENANT_ID_HEADER = "o365.tenantId";

    /** t1, t2, ...: O365_TENANTS and the NAME in O365_TENANT_NAME_TENANT_ID. */
    private final List<String> names = new ArrayList<>();
    /** The tenant ids, in the order of {@link #names}; empty for one tenant (the simulator's default id). */
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Long> seenByTenantId = new LinkedHashMap<>();

    private BenchTenants(int count, long seed) {
        Random random = new Random(seed ^ 0x7E4A17L);
        Set<String> distinct = new LinkedHashSet<>();
        for (int i = 1; i <= count; i++) {
            names.add("t" + i);
            if (count > 1) {
                String id;
                do {
                    // a random (version 4) UUID, drawn from the seed: the same ids run after run
                    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
                    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                    id = new UUID(msb, lsb).toString();
                } while (!distinct.add(id));
                ids.add(id);
            }
        }
    }

    static BenchTenants of(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("BENCH_TENANTS must be at least 1: " + count);
        }
        return new BenchTenants(count, seed);
    }

    int count() {
        return names.size();
    }

    /** Makes the simulator serve every tenant, each with the builder's volume (set it before or after this). */
    SimulatorBuilder serve(SimulatorBuilder simulator) {
        if (ids.isEmpty()) {
            return simulator;
        }
        simulator.tenantId(ids.get(0));
        for (String id : ids.subList(1, ids.size())) {
            // nothing but the id: the app registration and the volume are the primary tenant's
            simulator.tenant(TenantSpec.of(id));
        }
        return simulator;
    }

    /**
     * The tenant settings of the collector's environment: {@code O365_TENANT_ID} for one tenant, else
     * {@code O365_TENANTS} and each one's {@code O365_TENANT_<NAME>_TENANT_ID}, all with the top-level app
     * registration, and no other per-tenant setting; one content-refs topic for all of them, as always.
     */
    void configure(Map<String, String> env, ManagementApiSimulator simulator, String contentRefsTopic) {
        env.put("O365_CLIENT_ID", simulator.clientId());
        env.put("O365_CLIENT_SECRET", simulator.clientSecret());
        for (String id : simulator.tenantIds()) {
            SimulatedTenant t = simulator.tenant(id);
            if (!t.clientId().equals(simulator.clientId()) || !t.clientSecret().equals(simulator.clientSecret())) {
                throw new IllegalStateException("tenant " + id + " of the simulator has an app registration of its"
                        + " own: the collector's one (O365_CLIENT_ID) would be refused there");
            }
        }
        env.put("O365_CONTENT_REFS_TOPIC", contentRefsTopic);
        if (ids.isEmpty()) {
            env.put("O365_TENANT_ID", simulator.tenantId());
            return;
        }
        env.put("O365_TENANTS", String.join(",", names));
        for (int i = 0; i < names.size(); i++) {
            env.put("O365_TENANT_" + names.get(i).toUpperCase(java.util.Locale.ROOT) + "_TENANT_ID", ids.get(i));
        }
    }

    /** The simulator's tenants, the primary first. */
    private static List<SimulatedTenant> of(ManagementApiSimulator simulator) {
        return simulator.tenantIds().stream().map(simulator::tenant).toList();
    }

    /** Every tenant's deliverable records. */
    static int recordCount(ManagementApiSimulator simulator) {
        return of(simulator).stream().mapToInt(SimulatedTenant::recordCount).sum();
    }

    /** Every tenant's blobs. */
    static int blobCount(ManagementApiSimulator simulator) {
        return of(simulator).stream().mapToInt(t -> t.blobs().size()).sum();
    }

    /** Successful blob GETs, of every tenant. */
    static int blobGets(ManagementApiSimulator simulator) {
        return of(simulator).stream()
                .mapToInt(t -> t.blobGetCounts().values().stream().mapToInt(Integer::intValue).sum()).sum();
    }

    /** The record values of every tenant, blob by blob (a tenant's blobs in order, then the next tenant's). */
    static List<List<byte[]>> recordValues(ManagementApiSimulator simulator) {
        List<List<byte[]>> values = new ArrayList<>();
        for (SimulatedTenant t : of(simulator)) {
            for (ManagementApiSimulator.Blob blob : t.blobs()) {
                List<byte[]> blobValues = new ArrayList<>();
                for (String json : t.records(blob.contentId())) {
                    blobValues.add(json.getBytes(StandardCharsets.UTF_8));
                }
                values.add(blobValues);
            }
        }
        return values;
    }

    /**
     * When the collector's listing calls first reached the simulator, in seconds from {@code startNanos}: the first of
     * any tenant, and the last tenant's first (-1 while a tenant has had none).
     */
    record Startup(double firstListingS, double everyTenantListedS) {
    }

    static Startup startup(ManagementApiSimulator simulator, long startNanos) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean everyTenant = true;
        for (SimulatedTenant t : of(simulator)) {
            OptionalLong at = t.firstListingNanoTime();
            if (at.isEmpty()) {
                everyTenant = false;
                continue;
            }
            first = Math.min(first, at.getAsLong() - startNanos);
            last = Math.max(last, at.getAsLong() - startNanos);
        }
        return new Startup(first == Long.MAX_VALUE ? -1 : first / 1e9, everyTenant ? last / 1e9 : -1);
    }

    /** Counts a record the counting consumer saw, by its tenant id header. */
    void count(ConsumerRecord<?, ?> record) {
        Header h = record.headers().lastHeader(TENANT_ID_HEADER);
        String id = h == null || h.value() == null ? "(no header)" : new String(h.value(), StandardCharsets.UTF_8);
        seenByTenantId.merge(id, 1L, Long::sum);
    }

    /** The tenants whose records the consumer saw not exactly once each, with what it saw; empty when all were. */
    List<String> mismatches(ManagementApiSimulator simulator) {
        List<String> wrong = new ArrayList<>();
        Map<String, Long> left = new LinkedHashMap<>(seenByTenantId);
        for (SimulatedTenant t : of(simulator)) {
            long seen = left.getOrDefault(t.tenantId(), 0L);
            left.remove(t.tenantId());
            if (seen != t.recordCount()) {
                wrong.add(t.tenantId() + ": " + seen + " of " + t.recordCount());
            }
        }
        left.forEach((id, seen) -> wrong.add(id + ": " + seen + " records of no tenant of the simulator"));
        return wrong;
    }
}
