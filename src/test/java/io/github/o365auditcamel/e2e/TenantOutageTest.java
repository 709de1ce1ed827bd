package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.BlobFailure;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One tenant's service down (every blob GET answered with a 502 page) does not stop the fetchers every tenant shares:
 * after three of its blobs in a row failed, its blobs are deferred, not waited for, and another tenant's new blobs,
 * queued behind them on the one partition of the one fetcher, arrive at once. When the service is back, the first
 * tenant's blobs are fetched again, and every record of both arrives once.
 */
class TenantOutageTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "outage.";
    private static final String DOWN = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
    private static final String STEADY = "1b2c3d4e-5f6a-4b7c-9d8e-9f0a1b2c3d4e";

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .tenantId(DOWN)
                .contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(5)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(6))
                .tenant(TenantSpec.of(STEADY)
                        .tenantDomain("steady-outage.onmicrosoft.com")
                        .contentTypes(List.of("Audit.Exchange"))
                        .blobsPerContentType(1)
                        .recordsPerBlob(10)
                        .backlog(Duration.ofHours(6)))
                .seed(50200)
                .build();
        simulator.start();
        for (ManagementApiSimulator.Blob blob : simulator.tenant(DOWN).blobs()) {
            simulator.tenant(DOWN).failBlob(blob.contentId(), BlobFailure.HTML_502, Integer.MAX_VALUE);
        }
        assertEquals(5, simulator.tenant(DOWN).blobs().size(), "every blob of the down tenant fails");
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        useTenants(props, "down", DOWN, "steady", STEADY);
        props.put("o365.content-types", "Audit.Exchange");
        // one fetcher on one partition: a blob that held it would hold every blob behind it
        props.put("o365.content-refs-partitions", "1");
        props.put("o365.fetch-concurrency", "1");
        props.put("o365.api.max-retries", "1");
        props.put("o365.api.retry-delay-millis", "50");
        props.put("o365.deadletter.retry-delay", "3s");
        props.put("o365.poll-interval", "2s");
    }

    @Test
    void aTenantWhoseServiceIsDownDoesNotHoldUpTheOthers() throws Exception {
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        Instant deadline = Instant.now().plusSeconds(60);
        while (deferred(meters) < 1 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertTrue(deferred(meters) >= 1, "the down tenant's third blob in a row is deferred");

        // the other tenant's new blobs are listed behind the down tenant's on the one partition
        SimulatedTenant steady = simulator.tenant(STEADY);
        steady.addBlobs("Audit.Exchange", 3, 10, Instant.now());
        Set<String> steadyIds = idsOf(steady);
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            List<TopicReader.Record> arrived = records.readUntil(
                    r -> r.stream().filter(x -> steadyIds.contains(x.key())).count() >= steadyIds.size(),
                    Duration.ofSeconds(30));
            assertEquals(steadyIds.size(), arrived.stream().filter(r -> steadyIds.contains(r.key())).count(),
                    "the steady tenant's records while the other tenant's service is down");

            // the service is back: the down tenant's blobs, dead-lettered or deferred, are fetched again
            SimulatedTenant down = simulator.tenant(DOWN);
            down.blobs().forEach(b -> down.healBlob(b.contentId()));
            Set<String> all = new java.util.HashSet<>(steadyIds);
            all.addAll(idsOf(down));
            records.readUntil(r -> r.size() >= all.size(), Duration.ofSeconds(60));
            List<String> keys = records.drain(Duration.ofSeconds(2)).stream().map(TopicReader.Record::key).toList();
            assertEquals(all, Set.copyOf(keys), "every record of both tenants");
            assertEquals(all.size(), keys.size(), "no record twice");
        }
        System.out.printf("tenant outage: %.0f of the down tenant's blob fetches deferred; the other tenant's records"
                + " arrived meanwhile%n", deferred(meters));
    }

    private static double deferred(MeterRegistry meters) {
        var counter = meters.find("o365.blobs.deferred").tag("tenant", "down").counter();
        return counter == null ? 0 : counter.count();
    }

    private static Set<String> idsOf(SimulatedTenant tenant) {
        return tenant.blobs().stream().flatMap(b -> tenant.records(b.contentId()).stream())
                .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
    }
}
