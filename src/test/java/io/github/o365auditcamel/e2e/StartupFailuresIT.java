package io.github.o365auditcamel.e2e;

import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.github.o365auditcamel.kafka.SecuredKafkaBroker;
import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad setting stops the jar with one line that names it, exit status 2, no stack trace (not even from a
 * library's own checks: Microsoft's sign-in library, Kafka's client) and no secret. Each row starts the jar with the
 * quick start's settings and one mistake: those caught outside the settings reader (the sign-in library, Kafka's
 * client, the log format, the management port, the tenants file, tracing), and a few of the reader's, which all leave
 * the same way; {@code SettingsMistakesTest} reads each of the reader's mistakes in process.
 */
@Execution(ExecutionMode.CONCURRENT)
class StartupFailuresIT {

    private static final String SECRET = "the-client-secret-" + Long.toHexString(System.nanoTime());
    private static final String TRUSTSTORE_PASSWORD = "truststore-pw-" + Long.toHexString(System.nanoTime());
    private static SecuredKafkaBroker broker;
    private static Path truststore;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new SecuredKafkaBroker().start();
        truststore = TestCertificate.generate("kafka-ca").writePkcs12(Files.createTempFile("truststore", ".p12"),
                TRUSTSTORE_PASSWORD.toCharArray());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** The quick start's settings; the broker's plaintext port, which needs no credentials. */
    private static Map<String, String> quickStart() {
        Map<String, String> env = new HashMap<>();
        env.put("O365_TENANT_ID", "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b");
        env.put("O365_CLIENT_ID", "11112222-3333-4444-5555-666677778888");
        env.put("O365_CLIENT_SECRET", SECRET);
        env.put("KAFKA_BROKERS", broker.internalBootstrapServers());
        env.put("O365_MANAGEMENT_PORT", String.valueOf(freePort()));
        return env;
    }

    private static Arguments row(String mistake, String variable, Consumer<Map<String, String>> change) {
        return Arguments.of(mistake, variable, change);
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                row("an http:// login URL (MSAL refuses it)", "O365_LOGIN_URL",
                        e -> e.put("O365_LOGIN_URL", "http://login.microsoftonline.com")),
                row("the secret pasted into the client id", "O365_CLIENT_ID", e -> e.put("O365_CLIENT_ID", SECRET)),
                row("no credential", "O365_CLIENT_SECRET", e -> e.remove("O365_CLIENT_SECRET")),
                row("a duration in words", "O365_POLL_INTERVAL", e -> e.put("O365_POLL_INTERVAL", "every minute")),
                row("a management port another program holds", "O365_MANAGEMENT_PORT",
                        e -> e.put("O365_MANAGEMENT_PORT", String.valueOf(HELD_PORT.getLocalPort()))),
                row("a management address that is not this machine's", "O365_MANAGEMENT_HOST",
                        e -> e.put("O365_MANAGEMENT_HOST", "192.0.2.1")),
                row("a certificate path that is a directory", "O365_CLIENT_CERTIFICATE", e -> {
                    e.remove("O365_CLIENT_SECRET");
                    e.put("O365_CLIENT_CERTIFICATE", System.getProperty("java.io.tmpdir"));
                }),
                row("a tenants file that is not there", "O365_TENANTS_FILE", e -> {
                    e.remove("O365_TENANT_ID");
                    e.put("O365_TENANTS_FILE", "/etc/o365-audit-camel/no-such-tenants.properties");
                }),
                row("a tenant domain in the tenants file", "O365_TENANT_CONTOSO_TENANT_ID", e -> {
                    e.remove("O365_TENANT_ID");
                    e.put("O365_TENANTS_FILE", tenantsFile("O365_TENANTS=contoso\n"
                            + "O365_TENANT_CONTOSO_TENANT_ID=contoso.onmicrosoft.com\n"));
                }),
                row("an unknown log format", "O365_LOG_FORMAT", e -> e.put("O365_LOG_FORMAT", "logfmt")),
                row("traces to an OTLP endpoint without a scheme", "OTEL_EXPORTER_OTLP_ENDPOINT", e -> {
                    e.put("O365_TRACING", "otlp");
                    e.put("OTEL_EXPORTER_OTLP_ENDPOINT", "otel-collector:4318");
                }),
                row("an OTLP header with the secret but no '='", "OTEL_EXPORTER_OTLP_HEADERS", e -> {
                    e.put("O365_TRACING", "otlp");
                    e.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization Bearer " + SECRET);
                }),
                row("an unknown Kafka security protocol", "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL",
                        e -> e.put("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "TLS")),
                row("SASL without its JAAS configuration", "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", e -> {
                    e.put("KAFKA_BROKERS", broker.bootstrapServers());
                    e.put("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
                }),
                row("a JAAS configuration Kafka cannot parse", "CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", e -> {
                    e.put("KAFKA_BROKERS", broker.bootstrapServers());
                    e.put("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
                    e.put("CAMEL_COMPONENT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
                    e.put("CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", "ScramLoginModule username=alice password=\""
                            + SECRET + "\"");
                }),
                row("a trust store that is not there", "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", e -> {
                    e.put("KAFKA_BROKERS", broker.mutualTlsBootstrapServers());
                    e.put("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SSL");
                    e.put("CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/no-such-truststore.p12");
                }),
                row("a trust store with the wrong password", "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", e -> {
                    e.put("KAFKA_BROKERS", broker.mutualTlsBootstrapServers());
                    e.put("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SSL");
                    e.put("CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString());
                    e.put("CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
                    e.put("CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_PASSWORD", "not-" + TRUSTSTORE_PASSWORD);
                }),
                row("PLAINTEXT to a broker that speaks TLS", "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL",
                        e -> e.put("KAFKA_BROKERS", broker.bootstrapServers())),
                row("TLS to a broker that speaks plaintext", "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", e -> {
                    e.put("CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
                    e.put("CAMEL_COMPONENT_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
                    e.put("CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG", broker.scramSha512User().jaasConfig());
                }));
    }

    private static String tenantsFile(String contents) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("tenants", ".properties");
            java.nio.file.Files.writeString(file, contents);
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A port that another program (this test) listens on. */
    private static final ServerSocket HELD_PORT = holdPort();

    private static ServerSocket holdPort() {
        try {
            return new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void aBadSettingStopsStartupWithOneLineNamingItAndExitStatus2(String mistake, String variable,
            Consumer<Map<String, String>> change) throws Exception {
        Map<String, String> env = quickStart();
        change.accept(env);

        try (CollectorProcess collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env)) {
            int exit = collector.waitForExit(Duration.ofSeconds(60));
            String output = collector.output();
            List<String> errors = collector.outputLines().stream()
                    .filter(l -> l.contains("configuration error")).toList();

            assertEquals(2, exit, mistake + ":\n" + output);
            assertEquals(1, errors.size(), mistake + ":\n" + output);
            assertTrue(errors.get(0).startsWith("o365-audit-camel: configuration error: " + variable), errors.get(0));
            assertFalse(output.contains("\tat ") || output.contains("Exception"), "no stack trace:\n" + output);
            assertFalse(collector.outputLines().stream().anyMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
                    "the one line only:\n" + output);
            System.out.printf("%-55s %s%n", mistake + ":", errors.get(0));
            for (String secret : List.of(SECRET, TRUSTSTORE_PASSWORD)) {
                assertFalse(output.contains(secret), "a secret in the output:\n" + output);
            }
        }
    }
}
