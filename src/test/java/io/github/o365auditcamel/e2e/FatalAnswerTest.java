package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.listing.ListingSchedule;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fatal answer (AF10001: the app lacks the permission DLP.All needs) stops that content type's listing and makes
 * readiness report it with the reason, while the other content type goes on. Once the permission is granted and the
 * listing resumed (the JMX operation Hawtio shows on the service ListingSchedule), the content type is collected and
 * readiness recovers.
 */
class FatalAnswerTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "fatal.";

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "DLP.All"))
                .blobsPerContentType(3)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(6))
                .seed(10001)
                .build();
        simulator.withholdPermission("DLP.All");
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.content-types", "Audit.Exchange,DLP.All");
        props.put("o365.poll-interval", "1s");
    }

    @Test
    void aFatalAnswerStopsOnlyThatContentTypeAndReadinessSaysWhy() throws Exception {
        int exchangeRecords = simulator.recordsByContentType().get("Audit.Exchange").size();
        int dlpRecords = simulator.recordsByContentType().get("DLP.All").size();
        try (TopicReader exchange = new TopicReader(broker.bootstrapServers(), List.of(PREFIX + "audit.exchange"));
             TopicReader dlp = new TopicReader(broker.bootstrapServers(), List.of(PREFIX + "dlp.all"))) {
            exchange.readUntil(r -> r.size() >= exchangeRecords, Duration.ofSeconds(60));
            awaitStopped();

            HealthCheck.Result readiness = contentTypeReadiness();
            assertEquals(HealthCheck.State.DOWN, readiness.getState());
            String reason = String.valueOf(readiness.getDetails().get("DLP.All"));
            assertTrue(reason.contains("AF10001"), reason);
            assertTrue(readiness.getMessage().orElse("").contains("DLP.All"), readiness.getMessage().toString());

            // the other content type keeps polling: a blob made available now arrives
            simulator.addBlobs("Audit.Exchange", 1, 5, Instant.now());
            assertEquals(exchangeRecords + 5,
                    exchange.readUntil(r -> r.size() >= exchangeRecords + 5, Duration.ofSeconds(30)).size());
            assertEquals(0, dlp.drain(Duration.ofSeconds(2)).size());
            int dlpListings = simulator.listCallCount("DLP.All");
            Thread.sleep(3000);
            assertEquals(dlpListings, simulator.listCallCount("DLP.All"), "a stopped content type does not poll");

            // an admin grants the permission; an operator resumes the listing (from Hawtio, say: a JMX operation)
            simulator.grantPermission("DLP.All");
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName schedule = jmx.queryNames(new ObjectName("org.apache.camel:context=" + context.getName()
                    + ",type=services,name=ListingSchedule"), null).iterator().next();
            assertEquals("[default DLP.All]", String.valueOf(jmx.getAttribute(schedule, "StoppedListings")));
            assertEquals("default DLP.All resumed", jmx.invoke(schedule, "resumeListing", new Object[] {"default", "DLP.All"},
                    new String[] {String.class.getName(), String.class.getName()}));
            assertEquals(dlpRecords, dlp.readUntil(r -> r.size() >= dlpRecords, Duration.ofSeconds(30)).size());
            assertEquals(HealthCheck.State.UP, contentTypeReadiness().getState());
        }
    }

    private HealthCheck.Result contentTypeReadiness() {
        // "full": every check's result, not only the first when all are up
        return HealthCheckHelper.invokeReadiness(context, "full").stream()
                .filter(r -> r.getCheck().getId().equals("content-types")).findFirst()
                .orElseThrow(() -> new AssertionError("no content-types readiness check"));
    }

    private void awaitStopped() throws InterruptedException {
        ListingSchedule schedule = context.getRegistry().lookupByNameAndType("listingSchedule", ListingSchedule.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!schedule.isStopped("default", "DLP.All") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertTrue(schedule.isStopped("default", "DLP.All"), "the DLP.All listing stopped");
    }
}
