package io.github.o365auditcamel.e2e;

import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.kafka.RefuseTopicCreation;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar o365-audit-camel.jar --check} against the simulator and a broker whose topic creation policy
 * refuses or allows new topics (RefuseTopicCreation): every line OK and exit 0 when all is well; each mistake named
 * in its line, with exit 1. No secret in the output, no topic created.
 */
class SetupCheckIT {

    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;

    @BeforeAll
    static void startServices() {
        broker = EmbeddedKafkaBroker.withBrokerSettings(Map.of(
                "create.topic.policy.class.name", RefuseTopicCreation.class.getName(),
                "auto.create.topics.enable", "false")).start();
        simulator = ManagementApiSimulator.builder().contentTypes(List.of("Audit.Exchange", "Audit.General",
                "DLP.All")).subscriptionsInitiallyEnabled(true).seed(45).build();
        simulator.start();
        // one subscription not started yet: OK, the collector starts it
        simulator.removeSubscription("Audit.General");
        // the principal may create topics, but for the case that says otherwise
        RefuseTopicCreation.REFUSING.set(false);
    }

    @AfterAll
    static void stopServices() {
        RefuseTopicCreation.REFUSING.set(true);
        if (simulator != null) {
            simulator.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, String> environment() {
        String prefix = "check-" + Long.toHexString(System.nanoTime()) + ".";
        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), prefix);
        env.put("O365_DEADLETTER_TOPIC", prefix + "deadletter");
        env.put("O365_CONTENT_TYPES", "Audit.Exchange,Audit.General,DLP.All");
        return env;
    }

    /** Runs the check; returns its output after asserting the exit status and that no secret is in it. */
    private static String check(Map<String, String> env, int expectedExit) throws Exception {
        try (CollectorProcess check = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env,
                List.of("--check"))) {
            int exit = check.waitForExit(Duration.ofSeconds(60));
            String output = check.output();
            assertEquals(expectedExit, exit, output);
            assertFalse(output.contains(simulator.clientSecret()), output);
            simulator.issuedAccessTokens().forEach(token -> assertFalse(output.contains(token), output));
            assertTrue(output.contains("CHECK"), output);
            return output;
        }
    }

    /** The table's line of one check. */
    private static String line(String output, String check) {
        return output.lines().filter(l -> l.startsWith(check + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + check + " in:\n" + output));
    }

    private static void assertLine(String output, String check, String status, String detail) {
        String line = line(output, check);
        assertTrue(line.matches(java.util.regex.Pattern.quote(check) + " +" + status + " .*"), output);
        assertTrue(line.contains(detail), "expected '" + detail + "' in: " + line + "\n" + output);
    }

    /** The checks that failed, by name. */
    private static java.util.Set<String> failed(String output) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        output.lines().map(l -> l.split("\\s+FAIL\\s+", 2)).filter(parts -> parts.length == 2)
                .forEach(parts -> names.add(parts[0]));
        return names;
    }

    @Test
    void allGoodEveryLineOk() throws Exception {
        Map<String, String> env = environment();
        env.put("O365_GAP_REPAIR", "graph");
        env.put("O365_GRAPH_URL", simulator.baseUrl());
        String output = check(env, 0);
        assertLine(output, "gap repair", "OK", "AuditLogsQuery.Read.All");
        assertLine(output, "settings", "OK", "1 tenant");
        assertLine(output, "token", "OK", simulator.clientId());
        assertLine(output, "api", "OK", "subscriptions/list");
        assertLine(output, "subscription Audit.Exchange", "OK", "enabled");
        assertLine(output, "subscription Audit.General", "OK", "the collector starts it");
        assertLine(output, "subscription DLP.All", "OK", "ActivityFeed.ReadDlp");
        assertLine(output, "kafka", "OK", broker.bootstrapServers());
        assertLine(output, "topic " + env.get("O365_STATE_TOPIC"), "OK", "the collector creates it");
        assertLine(output, "transactions", "OK", "initialized");
        assertLine(output, "topic " + env.get("O365_DEADLETTER_TOPIC"), "OK", "the collector creates it");
        assertEquals(java.util.Set.of(), failed(output), output);
        // only asked whether they may be created
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                broker.bootstrapServers()))) {
            assertFalse(admin.listTopics().names().get().contains(env.get("O365_STATE_TOPIC")));
        }
    }

    @Test
    void wrongClientSecret() throws Exception {
        Map<String, String> env = environment();
        env.put("O365_CLIENT_SECRET", "not-the-secret-" + System.nanoTime());
        String output = check(env, 1);
        assertLine(output, "token", "FAIL", "AADSTS7000215: wrong client secret");
        assertFalse(output.contains(env.get("O365_CLIENT_SECRET")), output);
        assertEquals(java.util.Set.of("token", "api"), failed(output), output);
    }

    @Test
    void withheldPermissions() throws Exception {
        simulator.withholdPermission("DLP.All");
        simulator.tenant(simulator.tenantId()).withholdGraphAuditPermission();
        try {
            Map<String, String> env = environment();
            env.put("O365_GAP_REPAIR", "graph");
            env.put("O365_GRAPH_URL", simulator.baseUrl());
            String output = check(env, 1);
            assertLine(output, "subscription DLP.All", "FAIL", "AF10001: the app lacks ActivityFeed.ReadDlp");
            assertLine(output, "subscription Audit.Exchange", "OK", "enabled");
            assertLine(output, "gap repair", "FAIL", "the app lacks Microsoft Graph's application permission"
                    + " AuditLogsQuery.Read.All");
            assertEquals(java.util.Set.of("subscription DLP.All", "gap repair"), failed(output), output);
        } finally {
            simulator.grantPermission("DLP.All");
            simulator.tenant(simulator.tenantId()).grantGraphAuditPermission();
        }
    }

    @Test
    void kafkaUnreachable() throws Exception {
        Map<String, String> env = environment();
        env.put("KAFKA_BROKERS", "127.0.0.1:" + freePort());
        String output = check(env, 1);
        assertLine(output, "kafka", "FAIL", "no broker answered");
        assertLine(output, "token", "OK", "signed in");
        assertEquals(java.util.Set.of("kafka", "topics"), failed(output), output);
    }

    @Test
    void topicMissingWhereCreationIsRefused() throws Exception {
        Map<String, String> env = environment();
        String present = env.get("O365_TOPIC_PREFIX") + "audit.general";
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(present, 1, (short) 1)))
                    .all().get();
        }
        RefuseTopicCreation.REFUSING.set(true);
        try {
            String output = check(env, 1);
            String topic = env.get("O365_TOPIC_PREFIX") + "audit.exchange";
            assertLine(output, "topic " + topic, "FAIL", "Kafka refuses to create it");
            assertTrue(line(output, "topic " + topic).contains("create " + topic + " ("), output);
            assertLine(output, "topic " + present, "OK", "present");
            assertLine(output, "transactions", "OK", "initialized");
            assertEquals(5, failed(output).size(), output); // every topic but the one present
        } finally {
            RefuseTopicCreation.REFUSING.set(false);
        }
    }
}
