package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two tenants from one deployment, on one simulated service (one login host, one API host, as Microsoft's): contoso
 * with the app's client secret, fabrikam with an app of its own that authenticates with a certificate made here. Each
 * tenant's records land once in its own topics, each record says its tenant in its headers, and neither tenant's
 * token is ever used for the other.
 */
class MultiTenantTest extends InProcessCollectorTestSupport {

    private static final String CONTOSO = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private static final String FABRIKAM = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final String FABRIKAM_APP = "99998888-7777-4666-9555-444433332222";
    private static final List<String> CONTOSO_TYPES = List.of("Audit.Exchange", "Audit.SharePoint", "DLP.All");
    private static final List<String> FABRIKAM_TYPES = List.of("Audit.AzureActiveDirectory", "Audit.Exchange");

    private static Path fabrikamCertificate;

    @BeforeAll
    static void startServices() throws Exception {
        broker = EmbeddedKafkaBroker.shared();
        TestCertificate certificate = TestCertificate.generate("o365-audit-camel fabrikam collector");
        fabrikamCertificate = certificate.writePem(Files.createTempFile("fabrikam-app", ".pem"));
        fabrikamCertificate.toFile().deleteOnExit();
        simulator = ManagementApiSimulator.builder()
                .tenantId(CONTOSO)
                .tenantDomain("contoso-sim.onmicrosoft.com")
                .contentTypes(CONTOSO_TYPES)
                .blobsPerContentType(4)
                .recordsPerBlob(15)
                .backlog(Duration.ofDays(2))
                .tenant(TenantSpec.of(FABRIKAM)
                        .tenantDomain("fabrikam-eu-sim.onmicrosoft.com")
                        .clientId(FABRIKAM_APP)
                        // this app has no secret at all: only the certificate
                        .clientSecret("fabrikam-secret-never-used-" + "x".repeat(12))
                        .clientCertificate(certificate.certificate())
                        .contentTypes(FABRIKAM_TYPES)
                        .blobsPerContentType(3)
                        .recordsPerBlob(25)
                        .backlog(Duration.ofDays(1)))
                .seed(808)
                .build();
        simulator.start();
    }

    @Override
    protected String topicPrefix() {
        return "tenants.";
    }

    @Override
    protected void configure(Properties props) {
        // the base class sets the single tenant's settings: two tenants instead, each with its own
        useTenants(props, "contoso", CONTOSO, "fabrikam", FABRIKAM);
        props.put("o365.topic-layout", "per-tenant");
        props.put("o365.tenant.contoso.content-types", String.join(",", CONTOSO_TYPES));
        props.put("o365.tenant.fabrikam.client-id", FABRIKAM_APP);
        props.put("o365.tenant.fabrikam.client-certificate", fabrikamCertificate.toString());
        props.put("o365.tenant.fabrikam.content-types", String.join(",", FABRIKAM_TYPES));
    }

    private List<String> topicsOf(String tenant, List<String> types) {
        return types.stream().map(t -> topicPrefix() + tenant + "." + t.toLowerCase(Locale.ROOT)).toList();
    }

    @Test
    void eachTenantIsCollectedCompletelyIntoItsOwnTopicsWithItsOwnCredentials() throws Exception {
        SimulatedTenant contoso = simulator.tenant(CONTOSO);
        SimulatedTenant fabrikam = simulator.tenant(FABRIKAM);
        int expected = contoso.recordCount() + fabrikam.recordCount();
        List<String> topics = new ArrayList<>(topicsOf("contoso", CONTOSO_TYPES));
        topics.addAll(topicsOf("fabrikam", FABRIKAM_TYPES));
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(), topics)) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(120));
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(3));

            assertEquals(expected, records.size(), "every record of both tenants, once");
            checkTenant("contoso", CONTOSO, contoso, CONTOSO_TYPES, records);
            checkTenant("fabrikam", FABRIKAM, fabrikam, FABRIKAM_TYPES, records);
        }

        // fabrikam's token came from its certificate, contoso's from the secret; each token only ever went to its
        // own tenant's API (a token on another tenant's path would be answered AF20010 and stop that listing)
        assertTrue(fabrikam.certificateTokenCount() >= 1, "fabrikam authenticated with its certificate");
        assertEquals(0, contoso.certificateTokenCount());
        assertTrue(contoso.tokenCallCount() >= 1);
        assertTrue(context.getRoute("fetch-content-refs") != null, "one group of fetchers for every tenant");
        assertTrue(context.getRoute("run-tenant-task") != null, "one set of listing threads for every tenant");
        assertTrue(contoso.listCallCount("Audit.Exchange") >= 1);
        assertTrue(fabrikam.listCallCount("Audit.AzureActiveDirectory") >= 1);
        assertEquals(0, fabrikam.listCallCount("DLP.All"), "only the tenant's own content types");
        System.out.printf("two tenants: contoso %d records (secret, %d tokens), fabrikam %d records (certificate,"
                        + " %d tokens); API calls contoso %d, fabrikam %d%n", contoso.recordCount(),
                contoso.tokenCallCount(), fabrikam.recordCount(), fabrikam.certificateTokenCount(),
                contoso.totalApiCalls(), fabrikam.totalApiCalls());
    }

    private void checkTenant(String name, String tenantId, SimulatedTenant served, List<String> types,
            List<TopicReader.Record> records) {
        Set<String> ownTopics = new HashSet<>(topicsOf(name, types));
        List<TopicReader.Record> own = records.stream().filter(r -> ownTopics.contains(r.topic())).toList();
        Set<String> servedIds = served.recordsByContentType().values().stream().flatMap(List::stream)
                .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
        assertEquals(servedIds, own.stream().map(TopicReader.Record::key).collect(Collectors.toSet()),
                name + ": exactly its records in its topics");
        Map<String, Long> byType = new TreeMap<>(own.stream().collect(Collectors.groupingBy(
                r -> r.headers().get("o365.contentType"), Collectors.counting())));
        assertEquals(new TreeMap<>(types.stream().collect(Collectors.toMap(t -> t,
                t -> (long) served.recordsByContentType().get(t).size()))), byType, name + ": records per type");
        for (TopicReader.Record r : own) {
            assertEquals(name, r.headers().get("o365.tenant"), r.toString());
            assertEquals(tenantId, r.headers().get("o365.tenantId"), r.toString());
            assertTrue(r.topic().endsWith("." + r.headers().get("o365.contentType").toLowerCase(Locale.ROOT)),
                    r.toString());
            assertTrue(r.value().contains("\"OrganizationId\":\"" + tenantId + "\"")
                    || r.value().contains("\"OrganizationId\": \"" + tenantId + "\""), "the tenant's own record");
        }
    }
}
