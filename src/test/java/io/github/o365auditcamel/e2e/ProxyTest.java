package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.testing.ForwardProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behind a company proxy that demands Basic authentication: the token request and every API call (subscriptions,
 * listings, blobs) go through the proxy with its credentials, and every record arrives once.
 */
class ProxyTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "proxy.";
    private static ForwardProxy proxy;

    @BeforeAll
    static void startServices() throws Exception {
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofHours(6))
                .seed(3128)
                .build();
        simulator.start();
        proxy = new ForwardProxy("collector", "proxy-pass-3128");
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        props.put("o365.content-types", "Audit.Exchange,Audit.General");
        props.put("o365.proxy-url", proxy.url());
        props.put("o365.proxy-username", "collector");
        props.put("o365.proxy-password", "proxy-pass-3128");
    }

    @Test
    void theTokenAndEveryApiCallGoThroughTheProxyWithItsCredentials() throws Exception {
        int expected = simulator.recordCount();
        try (TopicReader reader = new TopicReader(broker.bootstrapServers(),
                List.of(PREFIX + "audit.exchange", PREFIX + "audit.general"))) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(60));
            List<TopicReader.Record> records = reader.drain(Duration.ofSeconds(2));
            Set<String> served = simulator.recordsByContentType().values().stream().flatMap(List::stream)
                    .map(InProcessCollectorTestSupport::idOf).collect(Collectors.toSet());
            assertEquals(served, records.stream().map(TopicReader.Record::key).collect(Collectors.toSet()));
            assertEquals(served.size(), records.size(), "each record once");
        }

        // the simulator's counts first: the proxy records a request before it forwards it, and the collector goes on
        // polling, so what the proxy saw afterwards covers at least all of these
        int simulatorTokens = simulator.tokenCallCount();
        int simulatorBlobGets = simulator.blobGetCounts().values().stream().mapToInt(Integer::intValue).sum();
        int simulatorApiCalls = simulator.apiRequestTimes().size();
        List<String> forwarded = proxy.forwarded();
        long tokenCalls = forwarded.stream().filter(r -> r.startsWith("POST ") && r.contains("/oauth2/v2.0/token"))
                .count();
        long blobGets = forwarded.stream().filter(r -> r.startsWith("GET ") && r.contains("/activity/feed/audit/"))
                .count();
        long listings = forwarded.stream().filter(r -> r.contains("/activity/feed/subscriptions/content")).count();
        long starts = forwarded.stream().filter(r -> r.contains("/activity/feed/subscriptions/start")).count();
        System.out.printf("through the proxy: %d token requests, %d subscription starts, %d listings, %d blob GETs;"
                + " %d requests answered 407 first%n", tokenCalls, starts, listings, blobGets, proxy.challenged());
        // everything the simulator answered came through the proxy
        assertEquals(simulatorTokens, tokenCalls, "token requests");
        assertEquals(simulatorBlobGets, blobGets, "blob GETs");
        assertTrue(forwarded.size() - tokenCalls >= simulatorApiCalls,
                "API calls: " + simulatorApiCalls + " answered, " + (forwarded.size() - tokenCalls) + " forwarded");
        assertTrue(starts >= 2 && listings >= 2, forwarded.toString());
        // the proxy asked for credentials, and got them: both clients (the JDK's for the token, Camel's for the API)
        assertTrue(proxy.challenged() >= 2, "407 answers: " + proxy.challenged());
    }
}
