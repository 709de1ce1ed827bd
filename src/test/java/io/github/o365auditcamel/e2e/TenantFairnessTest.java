package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.Faults;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One tenant throttled hard does not slow the other: each tenant has its own timers, fetchers, request budget and
 * token, so while every call of one is answered AF429 (and retried with back-off), the other is collected completely
 * at its own pace; once the throttling ends, the first catches up, and nothing is lost or doubled in either.
 * Both tenants share one topic per content type here (the default layout): the header says whose a record is.
 */
class TenantFairnessTest extends InProcessCollectorTestSupport {

    private static final String THROTTLED = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private static final String STEADY = "2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901";

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .tenantId(THROTTLED)
                .blobsPerContentType(4)
                .recordsPerBlob(10)
                .backlog(Duration.ofDays(2))
                .pageSize(2)
                // every call of this tenant throttled, as AF429 with HTTP 429 and no Retry-After
                .faults(new Faults(1.0, 429, null, 0, 0))
                .tenant(TenantSpec.of(STEADY)
                        .tenantDomain("steady-sim.onmicrosoft.com")
                        .blobsPerContentType(4)
                        .recordsPerBlob(10)
                        .backlog(Duration.ofDays(2)))
                .seed(4290)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return "fairness.";
    }

    @Override
    protected void configure(Properties props) {
        // both tenants through the same multi-tenant app registration (the simulator's default credentials)
        useTenants(props, "throttled", THROTTLED, "steady", STEADY);
        // short back-off, so that the throttled tenant keeps hammering its budget while the other one works
        props.put("o365.api.retry-delay-millis", "200");
        props.put("o365.api.max-retries", "3");
        props.put("o365.api.requests-per-minute", "600");
    }

    @Test
    void aTenantThrottledHardDoesNotHoldUpTheOther() throws Exception {
        SimulatedTenant throttled = simulator.tenant(THROTTLED);
        SimulatedTenant steady = simulator.tenant(STEADY);
        int steadyRecords = steady.recordCount();
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), recordTopics())) {
            long started = System.nanoTime();
            reader.readUntil(r -> count(r, "steady") >= steadyRecords, Duration.ofSeconds(90));
            double steadySeconds = (System.nanoTime() - started) / 1e9;
            List<TopicReader.Record> sofar = reader.drain(Duration.ofSeconds(2));

            assertEquals(ids(steady), keysOf(sofar, "steady"), "the steady tenant completely, while the other is"
                    + " throttled");
            assertEquals(steadyRecords, count(sofar, "steady"), "each record once");
            assertEquals(0, count(sofar, "throttled"), "nothing of the throttled tenant got through");
            int throttledAnswers = throttled.throttledCount();
            assertTrue(throttledAnswers >= 10, "the throttled tenant kept calling: " + throttledAnswers);
            assertEquals(0, steady.throttledCount(), "the steady tenant was never throttled");

            // the throttling ends: the throttled tenant catches up, exactly once
            throttled.faults(Faults.none());
            int throttledRecords = throttled.recordCount();
            started = System.nanoTime();
            reader.readUntil(r -> count(r, "throttled") >= throttledRecords, Duration.ofSeconds(90));
            double catchUpSeconds = (System.nanoTime() - started) / 1e9;
            List<TopicReader.Record> all = reader.drain(Duration.ofSeconds(3));

            assertEquals(ids(throttled), keysOf(all, "throttled"));
            assertEquals(throttledRecords, count(all, "throttled"), "each record once");
            assertEquals(steadyRecords, count(all, "steady"));
            System.out.printf("fairness: steady tenant's %d records all in Kafka %.1f s after the test started while"
                            + " the other got %d AF429 answers (%d API calls, 0 records); throttled tenant's %d"
                            + " records in %.1f s once its throttling ended; steady tenant API calls %d%n",
                    steadyRecords, steadySeconds, throttledAnswers, throttled.totalApiCalls(), throttledRecords,
                    catchUpSeconds, steady.totalApiCalls());
        }
    }

    private static long count(List<TopicReader.Record> records, String tenant) {
        return records.stream().filter(r -> tenant.equals(r.headers().get("o365.tenant"))).count();
    }

    private static Set<String> keysOf(List<TopicReader.Record> records, String tenant) {
        return records.stream().filter(r -> tenant.equals(r.headers().get("o365.tenant")))
                .map(TopicReader.Record::key).collect(Collectors.toSet());
    }

    private static Set<String> ids(SimulatedTenant tenant) {
        return tenant.recordsByContentType().values().stream().flatMap(List::stream)
                .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
    }
}
