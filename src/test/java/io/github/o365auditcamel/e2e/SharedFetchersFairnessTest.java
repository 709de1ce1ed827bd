package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fetchers are every tenant's, and take the content references in order, so a tenant catching up a long backlog
 * slowly (its request budget allows two calls a second here) must not queue all of it ahead of another tenant's new
 * blobs: it queues at most {@code o365.pending-blobs-per-tenant} (4 here), its listing waiting for the rest. A tenant
 * whose new blobs come while the backlog drains has them fetched within a few of the backlog's blobs, not behind the
 * hundred; every record once.
 */
class SharedFetchersFairnessTest extends InProcessCollectorTestSupport {

    private static final String BACKLOG = "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b";
    private static final String FRESH = "9d8c7b6a-5f4e-4d3c-8b2a-190817263544";
    private static final String PREFIX = "shared-fetchers.";
    private static final int BACKLOG_BLOBS = 120;
    private static final int RECORDS_PER_BLOB = 5;
    private static final int PENDING_PER_TENANT = 4;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .tenantId(BACKLOG)
                .contentTypes(List.of("Audit.General"))
                .blobsPerContentType(BACKLOG_BLOBS)
                .recordsPerBlob(RECORDS_PER_BLOB)
                .backlog(Duration.ofDays(2))
                .tenant(TenantSpec.of(FRESH)
                        .tenantDomain("fresh-sim.onmicrosoft.com")
                        .contentTypes(List.of("Audit.General"))
                        .blobsPerContentType(1)
                        .recordsPerBlob(RECORDS_PER_BLOB)
                        .backlog(Duration.ofHours(1)))
                .seed(5050)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        useTenants(props, "backlog", BACKLOG, "fresh", FRESH);
        props.put("o365.content-types", "Audit.General");
        props.put("o365.topic-layout", "per-tenant");
        // the backlog drains at two blob GETs a second, whatever the fetchers could do
        props.put("o365.tenant.backlog.api.requests-per-minute", "120");
        props.put("o365.pending-blobs-per-tenant", String.valueOf(PENDING_PER_TENANT));
    }

    @Test
    void aTenantsNewBlobsAreNotQueuedBehindAnotherTenantsBacklog() throws Exception {
        SimulatedTenant backlog = simulator.tenant(BACKLOG);
        SimulatedTenant fresh = simulator.tenant(FRESH);
        try (TopicReader backlogRecords = new TopicReader(broker.bootstrapServers(),
                List.of(PREFIX + "backlog.audit.general"));
             TopicReader freshRecords = new TopicReader(broker.bootstrapServers(),
                     List.of(PREFIX + "fresh.audit.general"))) {
            // both tenants collected; the backlog has begun to drain, its listing well ahead of its fetches
            freshRecords.readUntil(r -> r.size() >= fresh.recordCount(), Duration.ofSeconds(60));
            backlogRecords.readUntil(r -> r.size() >= 5 * RECORDS_PER_BLOB, Duration.ofSeconds(60));

            // new blobs of the other tenant, while most of the backlog is still to come
            List<ManagementApiSimulator.Blob> added = fresh.addBlobs("Audit.General", 3, RECORDS_PER_BLOB,
                    Instant.now());
            int before = backlogRecords.drain(Duration.ofMillis(500)).size() / RECORDS_PER_BLOB;
            Set<String> wanted = new HashSet<>();
            for (ManagementApiSimulator.Blob blob : added) {
                wanted.addAll(fresh.records(blob.contentId()).stream().map(InProcessCollectorTestSupport::idOf)
                        .toList());
            }
            int all = fresh.recordCount();
            List<TopicReader.Record> freshAll = freshRecords.readUntil(r -> r.size() >= all, Duration.ofSeconds(60));
            int after = backlogRecords.drain(Duration.ofMillis(500)).size() / RECORDS_PER_BLOB;

            System.out.printf("shared fetchers: the other tenant's 3 new blobs were fetched while the backlog went from"
                    + " %d to %d of %d blobs%n", before, after, BACKLOG_BLOBS);
            Set<String> got = new HashSet<>();
            freshAll.forEach(r -> got.add(r.key()));
            assertTrue(got.containsAll(wanted), "the new blobs' records");
            assertEquals(all, freshAll.size(), "every record of 'fresh' once");
            assertTrue(after < BACKLOG_BLOBS / 2, "measured while the backlog still drains: " + after + " of "
                    + BACKLOG_BLOBS + " published");
            // a queue of the whole backlog would have put the new blobs behind tens of the backlog's
            assertTrue(after - before <= 3 * PENDING_PER_TENANT, "the new blobs waited for " + (after - before)
                    + " of the backlog's blobs (from " + before + " to " + after + ")");
        }
    }
}
