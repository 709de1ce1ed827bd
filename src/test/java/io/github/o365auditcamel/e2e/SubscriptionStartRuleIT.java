package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Microsoft's rule since August 2025, kept by the packaged jar with its default settings: at least 15 minutes between
 * two {@code subscriptions/start} requests of a tenant, through a crash loop (SIGKILL right after the request, and
 * after each restart, in a fresh working directory); and no start request at all for subscriptions that are
 * enabled already. The simulator enforces the rule (429 AF429) and times every start request.
 */
class SubscriptionStartRuleIT {

    private static final Duration MICROSOFTS_INTERVAL = Duration.ofMinutes(15);

    private static EmbeddedKafkaBroker broker;

    private ManagementApiSimulator simulator;
    private final List<CollectorProcess> collectors = new ArrayList<>();

    @BeforeAll
    static void useTheSharedBroker() {
        broker = EmbeddedKafkaBroker.shared();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (CollectorProcess c : collectors) {
            c.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void aCrashLoopNeverSendsTwoStartRequestsOfATenantWithinFifteenMinutes() throws Exception {
        simulator = simulator(false);
        String prefix = "crashloop.";

        CollectorProcess first = start(prefix);
        awaitStartRequests(1, first);
        first.kill();
        for (int restart = 1; restart <= 1; restart++) {
            CollectorProcess again = start(prefix);
            // the table of subscriptions says which wait, and until when; then the crash
            again.awaitOutput("start waits until", Duration.ofSeconds(90));
            again.kill();
        }
        CollectorProcess last = start(prefix);
        last.awaitOutput("not listed yet", Duration.ofSeconds(90));

        List<Instant> starts = simulator.startRequestTimes();
        assertEquals(1, starts.size(), "start requests within a few minutes, two crashes included: " + starts
                + "\n" + last.output());
        assertEquals(1, simulator.enabledSubscriptions().size(), simulator.enabledSubscriptions().toString());
        String started = simulator.enabledSubscriptions().iterator().next();
        // the one started is collected meanwhile; the others are listed once their start may be sent
        int perType = simulator.recordsByContentType().get(started).size();
        String topic = prefix + started.toLowerCase(java.util.Locale.ROOT);
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), List.of(topic))) {
            assertEquals(perType, reader.readUntil(r -> r.size() >= perType, Duration.ofSeconds(90)).size());
        }
        assertTrue(last.output().contains("O365_SUBSCRIPTION_START_INTERVAL"), last.output());
        assertTrue(last.isAlive(), last.output());
    }

    @Test
    void subscriptionsEnabledAlreadyAreListedAndNeverStartedAgain() throws Exception {
        simulator = simulator(true);
        String prefix = "enabled.";

        CollectorProcess collector = start(prefix);
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), CollectorProcess.recordTopics(prefix))) {
            int expected = simulator.recordCount();
            assertEquals(expected, reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90)).size(),
                    collector.output());
        }
        assertTrue(collector.output().contains("enabled (listed)"), collector.output());
        assertEquals(List.of(), simulator.startRequestTimes(), collector.output());
    }

    /** A simulator that keeps Microsoft's 15 minutes between start requests, its subscriptions enabled or not. */
    private static ManagementApiSimulator simulator(boolean subscriptionsEnabled) {
        ManagementApiSimulator simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(2)
                .recordsPerBlob(5)
                .backlog(Duration.ofHours(6))
                .subscriptionsInitiallyEnabled(subscriptionsEnabled)
                .subscriptionStartInterval(MICROSOFTS_INTERVAL)
                .build();
        simulator.start();
        return simulator;
    }

    /** The jar with the default start interval (the tests' environment lowers it), state kept across restarts. */
    private CollectorProcess start(String prefix) throws Exception {
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.remove("O365_SUBSCRIPTION_START_INTERVAL");
        env.put("O365_INSTANCE_ID", prefix + "instance");
        CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
        collectors.add(collector);
        return collector;
    }

    private void awaitStartRequests(int count, CollectorProcess collector) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (simulator.startRequestTimes().size() < count) {
            assertTrue(System.nanoTime() < deadline, "no start request in 90 s\n" + collector.output());
            assertTrue(collector.isAlive(), collector.output());
            Thread.sleep(20);
        }
    }
}
