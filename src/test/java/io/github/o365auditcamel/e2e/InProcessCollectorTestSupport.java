package io.github.o365auditcamel.e2e;

import java.util.List;
import java.util.Locale;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.testing.LocalMachine;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;

/**
 * The real {@code application.properties} and YAML routes, run in the test JVM against a real Kafka broker and the
 * simulator. A subclass starts both in a static {@code @BeforeAll} (they must exist before Camel is configured) and
 * names its topics with a prefix of its own.
 */
abstract class InProcessCollectorTestSupport extends CamelMainTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Leader election of the tests' collectors: a directory of their own, not the user's default. */
    private static final java.nio.file.Path CLUSTER_DIRECTORY = clusterDirectory();

    protected static EmbeddedKafkaBroker broker;
    protected static ManagementApiSimulator simulator;

    @AfterAll
    static void stopServices() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
        if (broker != null) {
            if (!EmbeddedKafkaBroker.isShared(broker)) {
                broker.close();
            }
            broker = null;
        }
    }

    /** The prefix of this test's record topics. */
    protected abstract String topicPrefix();

    /** Settings of this test on top of those pointing at the simulator and the broker. */
    protected void configure(Properties properties) {
    }

    @Override
    protected boolean useJmx() {
        // as in production: the routes' MBeans exist, and Jolokia serves them
        return true;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("o365.tenant-id", simulator.tenantId());
        props.put("o365.client-id", simulator.clientId());
        props.put("o365.client-secret", simulator.clientSecret());
        props.put("o365.login-url", simulator.httpsBaseUrl());
        props.put("o365.trusted-certificates", simulator.serverCertificateFile().toString());
        props.put("o365.api-url", simulator.baseUrl());
        props.put("o365.poll-interval", "2s");
        // the simulator does not keep Microsoft's 15 minutes between start requests, so neither need the tests
        // (SubscriptionStartRuleIT keeps to them)
        props.put("o365.subscription-start-interval", "0s");
        props.put("o365.topic-prefix", topicPrefix());
        props.put("o365.state-topic", topicPrefix() + "state");
        props.put("o365.deadletter-topic", topicPrefix() + "deadletter");
        props.put("o365.content-refs-topic", topicPrefix() + "content-refs");
        props.put("o365.cluster-directory", CLUSTER_DIRECTORY.toString());
        // a port of its own: test JVMs run side by side, and Vert.x would share one port between them
        props.put("o365.management-port", String.valueOf(LocalMachine.freePort()));
        props.put("kafka.brokers", broker.bootstrapServers());
        configure(props);
        return props;
    }

    /**
     * Turns the one tenant of {@link #useOverridePropertiesWithPropertiesComponent()} into several, sharing its
     * content-refs topic and fetchers; their other settings the caller adds.
     *
     * @param namesAndTenantIds a tenant's name, then its tenant id, for each tenant in order
     */
    protected void useTenants(Properties props, String... namesAndTenantIds) {
        props.remove("o365.tenant-id");
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < namesAndTenantIds.length; i += 2) {
            String name = namesAndTenantIds[i];
            names.add(name);
            props.put("o365.tenant." + name + ".tenant-id", namesAndTenantIds[i + 1]);
        }
        props.put("o365.tenants", String.join(",", names));
    }

    /** The port of this test's management server (health, metrics, Jolokia): camel-test-main picks a free one. */
    protected int managementPort() {
        return context.hasService(VertxPlatformHttpServer.class).getPort();
    }

    /** The record topic of every content type. */
    protected List<String> recordTopics() {
        return ManagementApiSimulator.ALL_CONTENT_TYPES.stream()
                .map(t -> topicPrefix() + t.toLowerCase(Locale.ROOT)).toList();
    }

    private static java.nio.file.Path clusterDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("collector-cluster");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    protected static String idOf(String json) {
        try {
            return JSON.readTree(json).get("Id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
