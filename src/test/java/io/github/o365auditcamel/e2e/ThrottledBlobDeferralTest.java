package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.BlobFailure;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.state.TenantState;
import io.github.o365auditcamel.tenancy.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A blob whose GET is throttled does not hold the fetcher: with one fetcher on one partition, every other blob is
 * published while the throttled one waits in the state topic, deferred; it is fetched again after its deferral (at
 * least 5 s), and every record arrives once. Without the deferral the fetcher would wait the throttling out in place,
 * and the throttled blob would be published a second later, before the blobs behind it.
 */
class ThrottledBlobDeferralTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "deferral.";

    private static String throttled;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(6)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(6))
                .seed(42901)
                .build();
        simulator.start();
        throttled = simulator.blobs().get(0).contentId();
        simulator.failBlob(throttled, BlobFailure.THROTTLED, 1);
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.content-types", "Audit.Exchange");
        // one fetcher on one partition: a blob that held it would hold every blob behind it
        props.put("o365.content-refs-partitions", "1");
        props.put("o365.fetch-concurrency", "1");
        props.put("o365.api.retry-delay-millis", "200");
    }

    @Test
    void aThrottledBlobIsDeferredAndTheFetcherGoesOnWithTheOthers() throws Exception {
        Set<String> throttledIds = simulator.records(throttled).stream().map(InProcessCollectorTestSupport::idOf)
                .collect(Collectors.toSet());
        Set<String> all = simulator.blobs().stream()
                .flatMap(b -> simulator.records(b.contentId()).stream()).map(InProcessCollectorTestSupport::idOf)
                .collect(Collectors.toSet());
        int others = all.size() - throttledIds.size();
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            List<TopicReader.Record> first = records.readUntil(
                    r -> r.stream().filter(x -> !throttledIds.contains(x.key())).count() >= others,
                    Duration.ofSeconds(60));
            // every other blob is in Kafka, and the throttled one still waits out its deferral
            assertTrue(first.stream().noneMatch(r -> throttledIds.contains(r.key())),
                    "the throttled blob was published before the blobs behind it: it held the fetcher");
            TenantState state = context.getRegistry().lookupByNameAndType("tenants", Tenants.class)
                    .get("default").stateStore();
            assertEquals(0, state.pendingRetry(throttled), "deferred: its retry waits in the state topic");

            records.readUntil(r -> r.size() >= all.size(), Duration.ofSeconds(60));
            List<String> keys = records.drain(Duration.ofSeconds(2)).stream().map(TopicReader.Record::key).toList();
            assertEquals(all, Set.copyOf(keys), "every record");
            assertEquals(all.size(), keys.size(), "no record twice");
            assertNull(state.pendingRetry(throttled), "published: no retry pending");
        }
        assertEquals(2, simulator.blobGetCount(throttled) + simulator.blobFailureCount(throttled),
                "one throttled GET, then one after the deferral");
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        assertEquals(1.0, meters.get("o365.blobs.deferred").tag("content_type", "Audit.Exchange").counter().count());
        System.out.printf("throttled blob: deferred once, %d other records published meanwhile, all %d once%n",
                others, all.size());
    }
}
