package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import io.github.o365auditcamel.tenancy.Tenant;
import io.github.o365auditcamel.tenancy.Tenants;
import io.github.o365auditcamel.tenancy.TenantsReload;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenants added, removed and changed while the collector runs, through the tenants file ({@code O365_TENANTS_FILE}),
 * as an operator edits it: each change is applied within seconds without a restart, the other tenants go on, a tenant
 * added gets its record topic and every record once, a tenant removed is listed and fetched no more, and when it comes
 * back it goes on from its cursor (nothing published again). A file that is not valid changes nothing.
 */
class TenantsFileReloadTest extends InProcessCollectorTestSupport {

    private static final String ALPHA = "3c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
    private static final String BRAVO = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c";
    private static final String PREFIX = "reload.";
    private static final Duration APPLIED = Duration.ofSeconds(45);

    private static Path tenantsFile;

    @BeforeAll
    static void startServices() throws Exception {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .tenantId(ALPHA)
                .contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(3)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(6))
                .tenant(TenantSpec.of(BRAVO)
                        .tenantDomain("bravo-sim.onmicrosoft.com")
                        .contentTypes(List.of("Audit.Exchange"))
                        .blobsPerContentType(2)
                        .recordsPerBlob(10)
                        .backlog(Duration.ofHours(6)))
                .seed(2612)
                .build();
        simulator.start();
        tenantsFile = Files.createTempDirectory("tenants-file").resolve("tenants.properties");
        write("O365_TENANTS=alpha\nO365_TENANT_ALPHA_TENANT_ID=" + ALPHA + "\n");
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.remove("o365.tenant-id");
        props.put("o365.tenants-file", tenantsFile.toString());
        props.put("o365.content-types", "Audit.Exchange");
        // a topic per tenant: the tenant added gets its own, created while the collector runs
        props.put("o365.topic-layout", "per-tenant");
    }

    @Test
    void tenantsComeAndGoWithTheFile() throws Exception {
        SimulatedTenant alpha = simulator.tenant(ALPHA);
        SimulatedTenant bravo = simulator.tenant(BRAVO);
        String alphaTopic = PREFIX + "alpha.audit.exchange";
        String bravoTopic = PREFIX + "bravo.audit.exchange";
        try (TopicReader alphaRecords = new TopicReader(broker.bootstrapServers(), List.of(alphaTopic))) {
            assertEquals(alpha.recordCount(), count(alphaRecords.readUntil(
                    r -> count(r, alphaTopic) >= alpha.recordCount(), Duration.ofSeconds(60)), alphaTopic));
            assertEquals(0, bravo.listCallCount(), "bravo is not in the file yet");

            // added: collected without a restart, into a topic of its own created first, as at startup (not one a
            // client made with the broker's defaults); alpha goes on
            write("O365_TENANTS=alpha,bravo\nO365_TENANT_ALPHA_TENANT_ID=" + ALPHA + "\n"
                    + "O365_TENANT_BRAVO_TENANT_ID=" + BRAVO + "\n");
            await(() -> names().contains("bravo"), "bravo is added");
            assertEquals(maxMessageBytes(alphaTopic), maxMessageBytes(bravoTopic), "created by the collector");
        }
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), List.of(alphaTopic, bravoTopic))) {
            assertEquals(bravo.recordCount(), count(records.readUntil(
                    r -> count(r, bravoTopic) >= bravo.recordCount(), APPLIED), bravoTopic), "bravo collected");

            // not valid (a tenant id that is no GUID): nothing changes, and the rejection is counted
            write("O365_TENANTS=alpha,bravo,charlie\nO365_TENANT_ALPHA_TENANT_ID=" + ALPHA + "\n"
                    + "O365_TENANT_BRAVO_TENANT_ID=" + BRAVO + "\nO365_TENANT_CHARLIE_TENANT_ID=charlie\n");
            TenantsReload reload = context.getRegistry().lookupByNameAndType("tenantsReload", TenantsReload.class);
            await(() -> reload.failedReloads() == 1, "the file that is not valid is rejected");
            assertEquals(Set.of("alpha", "bravo"), names(), "the tenants of before go on");

            // removed: alpha is listed and fetched no more; bravo goes on
            write("O365_TENANTS=bravo\nO365_TENANT_BRAVO_TENANT_ID=" + BRAVO + "\n");
            await(() -> names().equals(Set.of("bravo")), "alpha is removed");
            Instant now = Instant.now();
            ManagementApiSimulator.Blob alphaLater = alpha.addBlobs("Audit.Exchange", 1, 7, now).get(0);
            bravo.addBlobs("Audit.Exchange", 1, 5, now);
            int alphaListings = alpha.listCallCount();
            assertEquals(bravo.recordCount(), count(records.readUntil(
                    r -> count(r, bravoTopic) >= bravo.recordCount(), APPLIED), bravoTopic), "bravo goes on");
            Thread.sleep(3_000);
            assertTrue(alpha.listCallCount() <= alphaListings + 1, "alpha is not listed any more (one listing may"
                    + " have been running): " + alphaListings + " then " + alpha.listCallCount());
            assertEquals(0, alpha.blobGetCount(alphaLater.contentId()), "alpha's new blob is not fetched");
            assertEquals(alpha.recordCount() - 7, count(records.drain(Duration.ZERO), alphaTopic));

            // back: it goes on from its cursor, its new blob once and nothing published again
            write("O365_TENANTS=bravo,alpha\nO365_TENANT_BRAVO_TENANT_ID=" + BRAVO + "\n"
                    + "O365_TENANT_ALPHA_TENANT_ID=" + ALPHA + "\n");
            records.readUntil(r -> count(r, alphaTopic) >= alpha.recordCount(), APPLIED);
            List<TopicReader.Record> all = records.drain(Duration.ofSeconds(4));
            Map<String, List<String>> keysByTopic = all.stream().collect(Collectors.groupingBy(
                    TopicReader.Record::topic, Collectors.mapping(TopicReader.Record::key, Collectors.toList())));
            assertEquals(alpha.recordCount(), keysByTopic.get(alphaTopic).size(), "every record of alpha once");
            assertEquals(alpha.recordCount(), new HashSet<>(keysByTopic.get(alphaTopic)).size());
            assertEquals(bravo.recordCount(), keysByTopic.get(bravoTopic).size(), "every record of bravo once");
            assertEquals(1, alpha.blobGetCount(alphaLater.contentId()));
        }
    }

    private static String maxMessageBytes(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            return admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value();
        }
    }

    private Set<String> names() {
        return context.getRegistry().lookupByNameAndType("tenants", Tenants.class).all().stream()
                .map(Tenant::name).collect(Collectors.toSet());
    }

    private static long count(List<TopicReader.Record> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + APPLIED.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within " + APPLIED.toSeconds() + " s: " + what);
            Thread.sleep(200);
        }
    }

    /** As an operator's editor or the kubelet does: the whole file at once. */
    private static void write(String contents) throws Exception {
        Path next = tenantsFile.resolveSibling("tenants.properties.next");
        Files.writeString(next, contents, StandardCharsets.UTF_8);
        Files.move(next, tenantsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
