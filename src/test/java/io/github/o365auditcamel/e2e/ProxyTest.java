package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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
 * Behind a company proxy that demands Basic authentication: the token requests (https, in CONNECT tunnels to the
 * login host) and every API call (subscriptions, listings, blobs; plain http) go through the proxy with its
 * credentials, and every record arrives once.
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
        // the token requests go over https, in CONNECT tunnels to the simulator's https listener: the proxy sees
        // the tunnels, not what goes through them
        String loginAuthority = URI.create(simulator.httpsBaseUrl()).getAuthority();
        List<String> connects = forwarded.stream().filter(r -> r.startsWith("CONNECT ")).toList();
        List<String> requests = forwarded.stream().filter(r -> !r.startsWith("CONNECT ")).toList();
        long blobGets = requests.stream().filter(r -> r.startsWith("GET ") && r.contains("/activity/feed/audit/"))
                .count();
        long listings = requests.stream().filter(r -> r.contains("/activity/feed/subscriptions/content")).count();
        long starts = requests.stream().filter(r -> r.contains("/activity/feed/subscriptions/start")).count();
        System.out.printf("through the proxy: %d tunnels (for %d token requests), %d subscription starts, %d listings,"
                + " %d blob GETs; %d requests answered 407 first%n", proxy.tunnels(), simulatorTokens, starts,
                listings, blobGets, proxy.challenged());
        // the token: at least one tunnel to the login host, and only there
        assertTrue(simulatorTokens >= 1, "token requests: " + simulatorTokens);
        assertTrue(proxy.tunnels() >= 1, "tunnels: " + proxy.tunnels());
        assertEquals(Set.of("CONNECT " + loginAuthority), Set.copyOf(connects), "tunnels to the login host only");
        // the API calls: in the clear, to the API host only, no token request among them
        String apiRoot = simulator.baseUrl() + "/api/";
        List<String> others = requests.stream()
                .filter(r -> !r.substring(r.indexOf(' ') + 1).startsWith(apiRoot)).toList();
        assertEquals(List.of(), others, "forwarded requests that are no API calls to " + simulator.baseUrl());
        // everything the simulator answered came through the proxy
        assertEquals(simulatorBlobGets, blobGets, "blob GETs");
        assertTrue(requests.size() >= simulatorApiCalls,
                "API calls: " + simulatorApiCalls + " answered, " + requests.size() + " forwarded");
        assertTrue(starts >= 2 && listings >= 2, forwarded.toString());
        // the proxy asked for credentials, and got them: both clients (the JDK's for the token, Camel's for the API)
        assertTrue(proxy.challenged() >= 2, "407 answers: " + proxy.challenged());
    }
}
