package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.listing.ListingSchedule;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness with several tenants, read from the management port as a kubelet and Prometheus read it: one customer
 * whose app secret no longer works (AADSTS7000215) does not make the pod unready while another tenant collects. The
 * broken tenant is named, with the reason, in the readiness message and details, and {@code o365_tenant_ready} is 0
 * for it. Only when no tenant collects everything it is configured for (here: the other one loses a permission too,
 * so its listing stops) is the pod not ready; granted again and its route started, it is ready again.
 */
class TenantReadinessTest extends InProcessCollectorTestSupport {

    private static final String CONTOSO = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private static final String LAPSED = "3c4d5e6f-7081-4923-a4b5-c6d7e8f90a1b";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagementPort management = new ManagementPort(this::managementPort);

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .tenantId(CONTOSO)
                .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(3)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(12))
                .tenant(TenantSpec.of(LAPSED)
                        .tenantDomain("lapsed-sim.onmicrosoft.com")
                        .clientId("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
                        .clientSecret("the-secret-it-has-now-" + "y".repeat(16))
                        .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                        .blobsPerContentType(2)
                        .recordsPerBlob(10)
                        .backlog(Duration.ofHours(12)))
                .seed(7000215)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return "readiness.";
    }

    @Override
    protected void configure(Properties props) {
        useTenants(props, "contoso", CONTOSO, "lapsed", LAPSED);
        props.put("o365.content-types", "Audit.Exchange,Audit.General");
        // the lapsed customer's app: its secret was rotated on their side, ours is the old one
        props.put("o365.tenant.lapsed.client-id", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
        props.put("o365.tenant.lapsed.client-secret", "the-secret-it-had-before-" + "z".repeat(16));
    }

    @Test
    void oneTenantsBrokenCredentialDoesNotMakeThePodUnreadyWhileAnotherCollects() throws Exception {
        SimulatedTenant contoso = simulator.tenant(CONTOSO);
        int contosoRecords = contoso.recordCount();
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(),
                List.of(topicPrefix() + "audit.exchange", topicPrefix() + "audit.general"))) {
            reader.readUntil(r -> r.size() >= contosoRecords, Duration.ofSeconds(60));
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(2));
            assertEquals(contosoRecords, records.size(), "contoso completely, lapsed nothing");
            assertTrue(records.stream().allMatch(r -> "contoso".equals(r.headers().get("o365.tenant"))));
        }

        // ready, and saying which tenant is not collecting, and why
        HttpResponse<String> ready = management.await("/observe/health/ready?data=true", r -> r.statusCode() == 200
                && r.body().contains("AADSTS7000215"), Duration.ofSeconds(30));
        JsonNode collector = ManagementPort.check(JSON.readTree(ready.body()), "collector");
        assertEquals("UP", collector.get("status").asText(), collector.toString());
        assertEquals("contoso", collector.at("/data/tenants.collecting").asText(), collector.toString());
        assertTrue(collector.at("/data/tenants.notCollecting").asText().startsWith("lapsed (token: "),
                collector.toString());
        assertTrue(collector.at("/data/token.lapsed").asText().contains("AADSTS7000215"), collector.toString());
        assertEquals("obtained", collector.at("/data/token.contoso").asText());
        assertTrue(collector.get("message").asText().contains("collecting for contoso; not for lapsed"),
                collector.toString());
        String metrics = management.get("/observe/metrics").body();
        assertTrue(metrics.contains("o365_tenant_ready{tenant=\"contoso\"} 1.0"), "contoso ready: " + metrics.lines()
                .filter(l -> l.contains("tenant_ready")).toList());
        assertTrue(metrics.contains("o365_tenant_ready{tenant=\"lapsed\"} 0.0"), "lapsed not ready");

        // contoso loses a permission as well: its Exchange listing stops, no tenant collects all it should
        contoso.withholdPermission("Audit.Exchange");
        HttpResponse<String> notReady = management.await("/observe/health/ready?data=true", r -> r.statusCode() == 503,
                Duration.ofSeconds(30));
        JsonNode down = ManagementPort.check(JSON.readTree(notReady.body()), "collector");
        assertEquals("DOWN", down.get("status").asText(), down.toString());
        assertTrue(down.get("message").asText().startsWith("no tenant collects: contoso (stopped: {Audit.Exchange="),
                down.toString());
        assertTrue(down.get("message").asText().contains("AF10001"), down.toString());
        // the verdict is ours alone: the routes run on, for the other tenants and content types
        List<String> checks = new java.util.ArrayList<>();
        JSON.readTree(notReady.body()).get("checks").forEach(c -> checks.add(c.get("name").asText()
                + "=" + c.get("status").asText()));
        assertTrue(checks.contains("route:fetch-content-refs=UP"), checks.toString());
        assertTrue(checks.contains("route:run-tenant-task=UP"), checks.toString());
        JsonNode contentTypes = ManagementPort.check(JSON.readTree(notReady.body()), "content-types");
        assertTrue(contentTypes.at("/data/contoso Audit.Exchange").asText().contains("AF10001"),
                contentTypes.toString());
        assertTrue(management.get("/observe/metrics").body().contains("o365_tenant_ready{tenant=\"contoso\"} 0.0"));

        // the permission granted again and the listing resumed (as from Hawtio): ready again
        contoso.grantPermission("Audit.Exchange");
        context.getRegistry().lookupByNameAndType("listingSchedule", ListingSchedule.class)
                .resumeListing("contoso", "Audit.Exchange");
        HttpResponse<String> again = management.await("/observe/health/ready?data=true", r -> r.statusCode() == 200,
                Duration.ofSeconds(30));
        assertEquals("contoso", ManagementPort.check(JSON.readTree(again.body()), "collector")
                .at("/data/tenants.collecting").asText(), again.body());
        System.out.printf("tenant readiness: ready with lapsed's token refused (%d token requests of lapsed); not"
                + " ready once contoso's Exchange listing stopped too; ready again once restarted%n",
                simulator.tenant(LAPSED).tokenCallCount());
    }
}
