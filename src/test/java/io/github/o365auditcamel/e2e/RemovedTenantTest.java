package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.github.o365auditcamel.simulator.TenantSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every tenant's content references share one topic and one group of fetchers, so a reference of a tenant that is no
 * longer configured (removed from {@code O365_TENANTS} while its blobs were listed, not yet fetched) cannot wait at its
 * partition's head: it is deferred as a dead letter ({@code unknown-tenant}), the other tenant's blobs keep flowing,
 * and when the tenant is configured again the blob is fetched once, from that dead letter.
 * <p>
 * Two collectors in turn (one Camel context per test): the first collects only {@code stays}, and finds a reference of
 * {@code returns} waiting on the topic; the second collects both.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemovedTenantTest extends InProcessCollectorTestSupport {

    private static final String STAYS = "7a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9";
    private static final String RETURNS = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9";
    private static final String PREFIX = "removed.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ManagementApiSimulator.Blob deferred;
    private static boolean returned;

    @BeforeAll
    static void startServices() throws Exception {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .tenantId(STAYS)
                .contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(3)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(12))
                .tenant(TenantSpec.of(RETURNS)
                        .tenantDomain("returns-sim.onmicrosoft.com")
                        .contentTypes(List.of("Audit.Exchange"))
                        .blobsPerContentType(3)
                        .recordsPerBlob(10)
                        .backlog(Duration.ofHours(12)))
                .seed(1717)
                .build();
        simulator.start();
        // the reference the listing of 'returns' enqueued before the tenant was taken out of the configuration
        deferred = simulator.tenant(RETURNS).blobs().get(0);
        Map<String, Object> reference = Map.of(
                "contentType", deferred.contentType(),
                "contentId", deferred.contentId(),
                "contentUri", simulator.baseUrl() + "/api/v1.0/" + RETURNS + "/activity/feed/audit/"
                        + deferred.contentId(),
                "contentCreated", deferred.contentCreated().toString(),
                "contentExpiration", deferred.contentExpiration().toString(),
                "listedAs", deferred.contentType());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(PREFIX + "content-refs", 12, (short) 1))).all().get();
            producer.send(new ProducerRecord<>(PREFIX + "content-refs", RETURNS + "|" + deferred.contentId(),
                    JSON.writeValueAsString(reference))).get();
        }
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        if (returned) {
            useTenants(props, "stays", STAYS, "returns", RETURNS);
        } else {
            useTenants(props, "stays", STAYS);
        }
        props.put("o365.content-types", "Audit.Exchange");
        props.put("o365.topic-layout", "per-tenant");
    }

    @Test
    @Order(1)
    void aReferenceOfATenantNoLongerCollectedIsDeferredWhileTheOthersFlow() throws Exception {
        SimulatedTenant stays = simulator.tenant(STAYS);
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), List.of(PREFIX + "stays.audit.exchange"));
             TopicReader letters = new TopicReader(broker.bootstrapServers(), List.of(PREFIX + "deadletter"))) {
            List<TopicReader.Record> dead = letters.readUntil(r -> !r.isEmpty(), Duration.ofSeconds(60));
            assertEquals(deferred.contentId(), dead.get(0).key());
            JsonNode letter = JSON.readTree(dead.get(0).value());
            assertEquals("unknown-tenant", letter.get("reasonCode").asText(), letter.toString());
            assertEquals(RETURNS, letter.get("tenantId").asText());
            assertFalse(letter.get("retryAt").isNull(), "fetched when the tenant is collected again: " + letter);
            assertTrue(letter.get("reason").asText().contains("no configured tenant has the tenant id " + RETURNS),
                    letter.toString());
            assertEquals("unknown-tenant", dead.get(0).headers().get("o365.reasonCode"));

            // the other tenant is collected completely meanwhile, every record once
            records.readUntil(r -> r.size() >= stays.recordCount(), Duration.ofSeconds(60));
            List<TopicReader.Record> all = records.drain(Duration.ofSeconds(3));
            assertEquals(stays.recordCount(), all.size(), "every record of 'stays' once");
            assertEquals(0, simulator.tenant(RETURNS).blobGetCount(deferred.contentId()), "not fetched without its"
                    + " tenant's token");
        }
        returned = true;
    }

    @Test
    @Order(2)
    void theTenantConfiguredAgainFetchesTheDeferredBlobOnce() throws Exception {
        assertTrue(returned, "runs after the first collector");
        SimulatedTenant comesBack = simulator.tenant(RETURNS);
        SimulatedTenant stays = simulator.tenant(STAYS);
        List<String> topics = List.of(PREFIX + "returns.audit.exchange", PREFIX + "stays.audit.exchange");
        try (TopicReader records = new TopicReader(broker.bootstrapServers(), topics)) {
            int expected = comesBack.recordCount() + stays.recordCount();
            records.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90));
            List<TopicReader.Record> all = records.drain(Duration.ofSeconds(5));
            Map<String, Long> perTopic = all.stream()
                    .collect(Collectors.groupingBy(TopicReader.Record::topic, Collectors.counting()));
            assertEquals(comesBack.recordCount(), perTopic.get(PREFIX + "returns.audit.exchange"),
                    "every record of 'returns' once, the deferred blob's included");
            assertEquals(stays.recordCount(), perTopic.get(PREFIX + "stays.audit.exchange"),
                    "'stays' published nothing again");
            Set<String> deferredIds = new HashSet<>();
            for (String record : comesBack.records(deferred.contentId())) {
                deferredIds.add(idOf(record));
            }
            assertEquals(10, deferredIds.size());
            List<String> returnedIds = new ArrayList<>();
            all.stream().filter(r -> r.topic().endsWith("returns.audit.exchange")).forEach(r -> returnedIds.add(
                    r.key()));
            assertTrue(returnedIds.containsAll(deferredIds), "the deferred blob's records");
            assertEquals(1, comesBack.blobGetCount(deferred.contentId()), "fetched once: from its dead letter, the"
                    + " listing passing over it");
        }
    }
}
