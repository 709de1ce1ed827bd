package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.kafka.SecuredKafkaBroker;
import io.github.o365auditcamel.simulator.Faults;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.PoisonKind;
import io.github.o365auditcamel.simulator.TenantSpec;
import io.github.o365auditcamel.testing.ForwardProxy;
import io.github.o365auditcamel.testing.TestCertificate;
import org.apache.camel.Endpoint;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client secret, the certificate's key and its file's password, the proxy's password, and Kafka's SASL password
 * and trust store password (every Kafka client goes through SASL_SSL) never show: the
 * collector runs two tenants, one with a known secret and one with a PKCS#12 certificate and a known password, behind
 * a proxy
 * with a known password, through tokens that expire, throttling, a revoked token and a poison blob, with its own and
 * Camel's logging at DEBUG; then every log event (message and stack
 * trace), every endpoint URI, and every attribute of every JMX MBean (what Jolokia serves), plus Camel's route
 * dumps, and what Jolokia serves (its listing and every attribute it lets read), are searched for it.
 */
class SecretsTest extends InProcessCollectorTestSupport {

    private static final String PREFIX = "secrets.";
    private static final String SECRET = "Qx7~Kn2.Secret-Of-The-Test_9fLw31bZ";
    /** The password of the company proxy the calls go through: a secret too. */
    private static final String PROXY_PASSWORD = "Pr0xy~Pass.Of-The-Test_4kQz";
    /** The password of the certificate tenant's PKCS#12 file. */
    private static final String PFX_PASSWORD = "Pfx~Pass.Of-The-Test_7yHw";
    private static final String CERTIFICATE_TENANT = "2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901";
    private static final String CERTIFICATE_APP = "99998888-7777-4666-9555-444433332222";
    private static TestCertificate certificate;
    private static java.nio.file.Path pfx;
    private static ForwardProxy proxy;
    /** Kafka through SASL_SSL: the SCRAM password and the trust store's password are secrets too. */
    private static SecuredKafkaBroker securedKafka;
    private static final List<String> LOG_LINES = java.util.Collections.synchronizedList(new ArrayList<>());
    private static AbstractAppender capture;

    @BeforeAll
    static void startServices() {
        capture = new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                if (event.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    event.getThrown().printStackTrace(new PrintWriter(trace));
                    line.append('\n').append(trace);
                }
                LOG_LINES.add(line.toString());
            }
        };
        capture.start();
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        Configurator.setLevel("io.github.o365auditcamel", Level.DEBUG);
        Configurator.setLevel("o365", Level.DEBUG);
        Configurator.setLevel("org.apache.camel", Level.DEBUG);
        logging.updateLoggers();

        broker = EmbeddedKafkaBroker.shared();
        securedKafka = new SecuredKafkaBroker().start();
        certificate = TestCertificate.generate("o365-audit-camel secrets test");
        try {
            pfx = certificate.writePkcs12(java.nio.file.Files.createTempFile("secrets-app", ".pfx"),
                    PFX_PASSWORD.toCharArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        pfx.toFile().deleteOnExit();
        simulator = ManagementApiSimulator.builder()
                .clientSecret(SECRET)
                .tenant(TenantSpec.of(CERTIFICATE_TENANT).tenantDomain("secrets-certificate-sim.onmicrosoft.com")
                        .clientId(CERTIFICATE_APP).clientCertificate(certificate.certificate())
                        .contentTypes(List.of("Audit.Exchange")).blobsPerContentType(2).recordsPerBlob(10)
                        .backlog(Duration.ofHours(6)))
                .contentTypes(List.of("Audit.Exchange", "Audit.General"))
                .blobsPerContentType(3)
                .recordsPerBlob(20)
                .backlog(Duration.ofHours(6))
                .tokenLifetime(Duration.ofSeconds(4))
                .faults(new Faults(0.1, 429, null, 0.05, 0.05))
                .seed(5)
                .build();
        simulator.start();
        simulator.addPoisonBlob("Audit.General", PoisonKind.TRUNCATED, Instant.now().minus(Duration.ofHours(1)));
        try {
            proxy = new ForwardProxy("collector", PROXY_PASSWORD);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** After Camel's context has stopped (after each test), which would otherwise wait for the broker at length. */
    @AfterAll
    static void stopSecuredKafka() {
        if (securedKafka != null) {
            securedKafka.close();
            securedKafka = null;
        }
    }

    @AfterAll
    static void restoreLogging() {
        if (proxy != null) {
            proxy.close();
        }
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        if (logging.getConfiguration().getRootLogger().getAppenders().get("secrets-capture") == null) {
            return;
        }
        logging.getConfiguration().getRootLogger().removeAppender("secrets-capture");
        Configurator.setLevel("io.github.o365auditcamel", Level.INFO);
        Configurator.setLevel("o365", Level.INFO);
        Configurator.setLevel("org.apache.camel", Level.INFO);
        logging.updateLoggers();
        capture.stop();
    }

    @Override
    protected String topicPrefix() {
        return PREFIX;
    }

    @Override
    protected void configure(Properties props) {
        useTenants(props, "secret", simulator.tenantId(), "certificate", CERTIFICATE_TENANT);
        props.put("o365.tenant.certificate.client-id", CERTIFICATE_APP);
        props.put("o365.tenant.certificate.client-certificate", pfx.toString());
        props.put("o365.tenant.certificate.client-certificate-password", PFX_PASSWORD);
        props.put("o365.tenant.certificate.content-types", "Audit.Exchange");
        props.put("o365.content-types", "Audit.Exchange,Audit.General");
        props.put("o365.api.retry-delay-millis", "50");
        props.put("o365.api.max-retries", "10");
        // the credentials in the URL, as O365_PROXY_URL=$HTTPS_PROXY brings them
        props.put("o365.proxy-url", proxy.url().replace("http://", "http://collector:"
                + java.net.URLEncoder.encode(PROXY_PASSWORD, StandardCharsets.UTF_8) + "@"));
        // every Kafka client through SASL_SSL, configured as camel-kafka documents it
        props.put("kafka.brokers", securedKafka.bootstrapServers());
        props.put("camel.component.kafka.security-protocol", "SASL_SSL");
        props.put("camel.component.kafka.sasl-mechanism", securedKafka.scramSha512User().mechanism());
        props.put("camel.component.kafka.sasl-jaas-config", securedKafka.scramSha512User().jaasConfig());
        props.put("camel.component.kafka.ssl-truststore-location", securedKafka.tls().clientTruststore().toString());
        props.put("camel.component.kafka.ssl-truststore-password", securedKafka.tls().clientTruststorePassword());
        props.put("camel.component.kafka.ssl-truststore-type", "PKCS12");
    }

    @Test
    void theClientSecretAppearsInNoLogNoEndpointUriAndNoJmxAttribute() throws Exception {
        // the poison blob's records are not counted: they never arrive
        int expected = simulator.recordCount() + simulator.tenant(CERTIFICATE_TENANT).recordCount();
        try (TopicReader reader = new TopicReader(securedKafka.internalBootstrapServers(),
                List.of(PREFIX + "audit.exchange", PREFIX + "audit.general"))) {
            reader.readUntil(r -> r.size() >= expected, Duration.ofSeconds(90));
            simulator.revokeTokens();
            simulator.addBlobs("Audit.Exchange", 1, 5, Instant.now());
            reader.readUntil(r -> r.size() >= expected + 5, Duration.ofSeconds(30));
        }
        assertTrue(simulator.tokenCallCount() >= 2, "tokens were renewed, so the secret was sent more than once");
        assertTrue(simulator.tenant(CERTIFICATE_TENANT).certificateTokenCount() >= 2,
                "tokens were renewed, so the key signed more than one assertion");

        assertTrue(proxy.challenged() > 0 && !proxy.forwarded().isEmpty(), "the calls went through the proxy");
        String keyBase64 = java.util.Base64.getEncoder().encodeToString(
                certificate.keyPair().getPrivate().getEncoded());
        List<String> forms = List.of(SECRET, URLEncoder.encode(SECRET, StandardCharsets.UTF_8), PFX_PASSWORD,
                // the private key, in any PEM or base64 line of it (its sixth PEM line, also found in one-line base64)
                keyBase64.substring(320, 384), PROXY_PASSWORD, URLEncoder.encode(PROXY_PASSWORD, StandardCharsets.UTF_8),
                // as the Proxy-Authorization header carries it
                java.util.Base64.getEncoder().encodeToString(("collector:" + PROXY_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)),
                securedKafka.scramSha512User().password(), securedKafka.tls().clientTruststorePassword());

        // logs, at DEBUG, stack traces included
        List<String> lines;
        synchronized (LOG_LINES) {
            lines = List.copyOf(LOG_LINES);
        }
        assertTrue(lines.size() > 100, "the capture saw the run: " + lines.size() + " events");
        assertTrue(lines.stream().anyMatch(l -> l.contains("dead-letter")), "the poison blob was logged");
        for (String line : lines) {
            for (String form : forms) {
                assertFalse(line.contains(form), "secret in a log event: " + line);
            }
        }

        // endpoint URIs, as Camel knows them
        Collection<Endpoint> endpoints = context.getEndpoints();
        assertFalse(endpoints.isEmpty());
        for (Endpoint endpoint : endpoints) {
            for (String form : forms) {
                assertFalse(endpoint.getEndpointUri().contains(form), "secret in an endpoint URI: " + endpoint);
            }
        }

        // every readable attribute of every MBean, and Camel's route dumps: what Jolokia would serve
        String jmx = everythingInJmx();
        assertTrue(jmx.contains("run-tenant-task"), "the JMX scan saw Camel's routes");
        assertTrue(jmx.contains(securedKafka.bootstrapServers()), "the JMX scan read endpoint URIs and settings");
        for (String form : forms) {
            assertFalse(jmx.contains(form), "secret in JMX: " + excerpt(jmx, form));
        }
        // back to INFO: Jolokia logs whole responses at DEBUG, megabytes of them
        restoreLogging();
        // and what Jolokia serves over HTTP: the MBean listing, and every attribute of every MBean it lets read
        String jolokia = jolokia("/observe/jolokia/list") + jolokia("/observe/jolokia/read/org.apache.camel:*")
                + jolokia("/observe/jolokia/read/java.lang:*");
        assertTrue(jolokia.contains("fetch-content") && jolokia.contains("HeapMemoryUsage"), "Jolokia answered");
        for (String form : forms) {
            assertFalse(jolokia.contains(form), "secret in Jolokia: " + excerpt(jolokia, form));
        }
        System.out.printf("secrets: %d log events, %d endpoints, %d characters of JMX and %d of Jolokia searched;"
                + " secret found 0 times%n", lines.size(), endpoints.size(), jmx.length(), jolokia.length());
    }

    private String jolokia(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + managementPort() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String everythingInJmx() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        StringBuilder all = new StringBuilder();
        Set<ObjectName> names = server.queryNames(null, null);
        assertTrue(names.stream().anyMatch(n -> n.getDomain().equals("org.apache.camel")), "Camel MBeans present");
        for (ObjectName name : names) {
            all.append(name).append('\n');
            MBeanInfo info;
            try {
                info = server.getMBeanInfo(name);
            } catch (Exception gone) {
                continue;
            }
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                if (!attribute.isReadable()) {
                    continue;
                }
                try {
                    all.append(attribute.getName()).append('=');
                    append(all, server.getAttribute(name, attribute.getName()));
                    all.append('\n');
                } catch (Exception | Error unreadable) {
                    all.append("(unreadable)\n");
                }
            }
            for (MBeanOperationInfo operation : info.getOperations()) {
                // Camel's dumps show routes and endpoints as configured, placeholders resolved
                boolean dump = operation.getName().startsWith("dump") && operation.getSignature().length == 0;
                boolean resolvingDump = operation.getName().startsWith("dump") && operation.getSignature().length == 1
                        && operation.getSignature()[0].getType().equals("boolean");
                try {
                    if (dump) {
                        append(all, server.invoke(name, operation.getName(), new Object[0], new String[0]));
                    } else if (resolvingDump) {
                        append(all, server.invoke(name, operation.getName(), new Object[] {true},
                                new String[] {"boolean"}));
                    }
                } catch (Exception | Error unavailable) {
                    // some dumps need optional modules
                }
            }
        }
        return all.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof CompositeData data) {
            for (String key : data.getCompositeType().keySet()) {
                out.append(key).append(':');
                append(out, data.get(key));
                out.append(' ');
            }
        } else if (value instanceof TabularData table) {
            for (Object row : table.values()) {
                append(out, row);
                out.append('\n');
            }
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                append(out, element);
                out.append(' ');
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                out.append(k).append(':');
                append(out, v);
                out.append(' ');
            });
        } else {
            out.append(value);
        }
    }

    private static String excerpt(String text, String found) {
        int at = text.indexOf(found);
        return text.substring(Math.max(0, at - 200), Math.min(text.length(), at + found.length() + 50));
    }
}
