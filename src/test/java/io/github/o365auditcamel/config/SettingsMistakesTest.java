package io.github.o365auditcamel.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quick start's settings with one mistake each, read as the jar reads them: one line that names the setting's
 * environment variable, and never the secret. These mistakes are all caught by the settings reader;
 * {@code StartupFailuresIT} starts the jar with those caught elsewhere (Microsoft's sign-in library, Kafka's client,
 * the log format, the management port, the tenants file, tracing) and with a few of these, to show the jar's way out:
 * that one line and exit status 2.
 */
class SettingsMistakesTest {

    private static final String SECRET = "the-client-secret-" + Long.toHexString(System.nanoTime());

    private static Map<String, String> quickStart() {
        Map<String, String> values = new HashMap<>();
        values.put("o365.tenant-id", "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b");
        values.put("o365.client-id", "11112222-3333-4444-5555-666677778888");
        values.put("o365.client-secret", SECRET);
        return values;
    }

    private static Arguments row(String mistake, String variable, Consumer<Map<String, String>> change) {
        return Arguments.of(mistake, variable, change);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                row("an API URL with a query", "O365_API_URL",
                        v -> v.put("o365.api-url", "https://manage.office.com/?tenant=contoso")),
                row("an unknown cloud", "O365_CLOUD", v -> v.put("o365.cloud", "china")),
                row("a tenant domain instead of its GUID", "O365_TENANT_ID",
                        v -> v.put("o365.tenant-id", "contoso.onmicrosoft.com")),
                row("the secret pasted into the client id", "O365_CLIENT_ID", v -> v.put("o365.client-id", SECRET)),
                row("no tenant id", "O365_TENANT_ID", v -> v.remove("o365.tenant-id")),
                row("a lookback without a unit", "O365_INITIAL_LOOKBACK", v -> v.put("o365.initial-lookback", "7")),
                row("a transaction timeout over the broker's 15 minutes", "KAFKA_TRANSACTION_TIMEOUT",
                        v -> v.put("kafka.transaction-timeout", "1h")),
                row("a port out of range", "O365_MANAGEMENT_PORT", v -> v.put("o365.management-port", "70000")),
                row("port 0", "O365_MANAGEMENT_PORT", v -> v.put("o365.management-port", "0")),
                row("concurrency 0", "O365_FETCH_CONCURRENCY", v -> v.put("o365.fetch-concurrency", "0")),
                row("a secret and a certificate", "O365_CLIENT_CERTIFICATE",
                        v -> v.put("o365.client-certificate", anyFile().toString())),
                row("an unknown content type", "O365_CONTENT_TYPES",
                        v -> v.put("o365.content-types", "Audit.Exchange,Audit.Teams")),
                row("brokers without a port", "KAFKA_BROKERS", v -> v.put("kafka.brokers", "kafka-1,kafka-2")),
                row("a proxy without a scheme", "O365_PROXY_URL", v -> v.put("o365.proxy-url", "proxy.corp:3128")),
                row("a tenant name with capitals", "O365_TENANTS", v -> v.put("o365.tenants", "Contoso")),
                row("a topic prefix with a blank", "O365_TOPIC_PREFIX", v -> v.put("o365.topic-prefix", "o365 audit")),
                row("an unknown election", "O365_CLUSTER", v -> v.put("o365.cluster", "zookeeper")),
                row("an unknown way of tracing", "O365_TRACING", v -> v.put("o365.tracing", "jaeger")),
                row("negative dead-letter retries", "O365_DEADLETTER_MAX_RETRIES",
                        v -> v.put("o365.deadletter.max-retries", "-1")),
                row("an API retry delay with a unit", "O365_API_RETRY_DELAY_MILLIS",
                        v -> v.put("o365.api.retry-delay-millis", "1s")),
                row("an API response timeout in words", "O365_API_RESPONSE_TIMEOUT",
                        v -> v.put("o365.api.response-timeout", "two minutes")),
                row("gap repair in a national cloud", "O365_GAP_REPAIR", v -> {
                    v.put("o365.cloud", "dod");
                    v.put("o365.gap-repair", "graph");
                }),
                row("a Graph URL without a scheme", "O365_GRAPH_URL", v -> v.put("o365.graph-url", "graph.local")),
                row("a gap repair query limit in words", "O365_GAP_REPAIR_QUERY_LIMIT",
                        v -> v.put("o365.gap-repair.query-limit", "many")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeIsOneLineNamingItsVariableWithoutTheSecret(String mistake, String variable,
            Consumer<Map<String, String>> change) {
        Map<String, String> values = quickStart();
        change.accept(values);

        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> CollectorSettings.allFrom(values::get), mistake);
        String line = refused.getMessage();

        assertTrue(line.startsWith(variable + " "), mistake + ": " + line);
        assertFalse(line.contains("\n"), mistake + ": " + line);
        assertFalse(line.contains(SECRET), mistake + ": " + line);
        System.out.printf("%-55s %s%n", mistake + ":", line);
    }

    private static Path anyFile() {
        try {
            Path file = Files.createTempFile("certificate", ".pem");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
