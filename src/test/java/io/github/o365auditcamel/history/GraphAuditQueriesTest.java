package io.github.o365auditcamel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.api.ForeignUriException;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.SimulatedTenant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The collector's side of Microsoft Graph's audit log queries, against the simulator: a query created, its status
 * read, its records paged through and read as the records the Management API serves; throttling waited out; a
 * missing permission one line naming it; a next link off the Graph host refused before the token is sent.
 */
class GraphAuditQueriesTest {

    private ManagementApiSimulator simulator;
    private SimulatedTenant tenant;
    private GraphAuditQueries graph;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void startSimulator() {
        simulator = ManagementApiSimulator.builder().contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(0).graphPageSize(4).graphQueryPollsUntilDone(2).build();
        simulator.start();
        tenant = simulator.tenant(simulator.tenantId());
        simulator.addBlobs("Audit.Exchange", 2, 5, now.minus(Duration.ofDays(12)));
        simulator.addBlobs("Audit.General", 1, 5, now.minus(Duration.ofDays(12)));
        Map<String, String> values = new HashMap<>();
        values.put("o365.tenant-id", simulator.tenantId());
        values.put("o365.client-id", simulator.clientId());
        values.put("o365.client-secret", simulator.clientSecret());
        values.put("o365.login-url", simulator.httpsBaseUrl());
        values.put("o365.api-url", simulator.baseUrl());
        values.put("o365.trusted-certificates", simulator.serverCertificateFile().toString());
        values.put("o365.gap-repair", "graph");
        values.put("o365.graph-url", simulator.baseUrl());
        CollectorSettings settings = CollectorSettings.from(values::get);
        CollectorMetrics metrics = new CollectorMetrics(new SimpleMeterRegistry(), settings.contentTypes(),
                Clock.systemUTC());
        graph = new GraphAuditQueries(settings.gapRepair(), TokenProvider.forGraph(settings, metrics,
                TokenProvider.loginHostClient(settings)), TokenProvider.proxiedHttpClient(settings));
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    @Test
    void aQueryIsCreatedReadUntilItSucceededAndItsRecordsPagedThroughAsTheManagementApiServesThem()
            throws Exception {
        String id = graph.create("test", now.minus(Duration.ofDays(13)), now.minus(Duration.ofDays(11)),
                RecordContentTypes.graphFilters("Audit.Exchange"), 100);

        GraphAuditQueries.Query query = graph.get(id);
        assertFalse(query.succeeded() || query.failed(), "running at first: " + query);
        query = graph.get(id);
        assertTrue(query.succeeded(), query.toString());
        assertFalse(query.limitExceeded());

        List<String> ids = new java.util.ArrayList<>();
        GraphAuditQueries.Page page = graph.firstPage(id);
        int pages = 1;
        while (true) {
            for (var entry : page.records()) {
                AuditRecord record = GraphRecords.of(entry);
                assertNotNull(record, entry.toString());
                assertEquals("Audit.Exchange", RecordContentTypes.of(record.recordType()));
                assertFalse(new String(record.json(), java.nio.charset.StandardCharsets.UTF_8).contains("@odata"));
                ids.add(record.id());
            }
            if (page.nextLink() == null) {
                break;
            }
            page = graph.page(page.nextLink());
            pages++;
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> served = new java.util.ArrayList<>();
        for (String record : simulator.recordsByContentType().get("Audit.Exchange")) {
            served.add(json.readTree(record).get("Id").asText());
        }
        assertEquals(new java.util.TreeSet<>(served), new java.util.TreeSet<>(ids));
        assertEquals(3, pages, "10 records, 4 a page");
        assertEquals(List.of(new io.github.o365auditcamel.simulator.GraphQueryWindow(now.minus(Duration.ofDays(13)),
                now.minus(Duration.ofDays(11)))), tenant.graphQueryWindows());
    }

    @Test
    void throttlingIsWaitedOutWithItsRetryAfter() {
        tenant.throttleNextGraphRequests(2);

        String id = graph.create("test", now.minus(Duration.ofDays(13)), now.minus(Duration.ofDays(11)), List.of(),
                100);

        assertNotNull(id);
        assertEquals(2, tenant.graphThrottledCount());
        assertEquals(1, tenant.graphQueryCount());
    }

    @Test
    void aMissingPermissionIsOneLineNamingIt() {
        tenant.withholdGraphAuditPermission();

        GraphQueryException refused = assertThrows(GraphQueryException.class, () -> graph.create("test",
                now.minus(Duration.ofDays(13)), now.minus(Duration.ofDays(11)), List.of(), 100));

        assertEquals(403, refused.status());
        assertTrue(refused.getMessage().contains("AuditLogsQuery.Read.All"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
    }

    @Test
    void aFailedQuerySaysSoAndANextLinkOffTheGraphHostIsRefused() throws Exception {
        tenant.failNextGraphQueries(1);
        String id = graph.create("test", now.minus(Duration.ofDays(13)), now.minus(Duration.ofDays(11)), List.of(),
                100);
        graph.get(id);
        assertTrue(graph.get(id).failed());

        int before = tenant.graphRequestCount();
        assertThrows(ForeignUriException.class, () -> graph.page("https://graph.example.net/v1.0/security/x"));
        assertEquals(before, tenant.graphRequestCount(), "nothing sent");
        assertNull(GraphRecords.of(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"id\":\"x\"}")),
                "an entry without auditData is no record");
    }
}
