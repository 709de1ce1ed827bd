package io.github.o365auditcamel.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * An {@link EmbeddedKafkaBroker} whose client port speaks only SASL_SSL, for testing a client's Kafka security
 * settings end to end. Its listeners, each on a loopback port of its own:
 *
 * <ul>
 * <li>{@link #bootstrapServers()}: SASL_SSL with SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN, one user each
 *     ({@link #scramSha512User()}, {@link #scramSha256User()}, {@link #plainUser()})</li>
 * <li>{@link #mutualTlsBootstrapServers()}: SSL that requires a client certificate signed by the test CA
 *     ({@link KafkaTlsFiles#clientKeystore()})</li>
 * <li>{@link #internalBootstrapServers()}: PLAINTEXT, the broker's own (inter-broker) listener, for test tooling
 *     that should not need credentials: creating topics, reading what a client under test wrote</li>
 * </ul>
 *
 * <p>The broker's certificate is signed by a throwaway CA made at construction ({@link #tls()}), valid for
 * {@code 127.0.0.1} and {@code localhost}, so clients keep host name verification on. There is no authorizer:
 * an authenticated user may do anything, as may anyone on the internal listener. Users and passwords are generated
 * per instance and kept across {@link #restart()}. Do not point a PLAINTEXT client at a TLS port: kafka-clients
 * 3.9 reads the TLS alert as a frame length and may die allocating it.
 */
public final class SecuredKafkaBroker implements AutoCloseable {

    /** The SASL mechanisms the client listener offers. */
    public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final String PLAIN = "PLAIN";

    private static final String SASL_SSL_LISTENER = "CLIENT";
    private static final String MUTUAL_TLS_LISTENER = "MTLS";
    private static final String INTERNAL_LISTENER = "INTERNAL";

    /** A SASL user: which mechanism it was created for, its name and password, and the client's JAAS line. */
    public record SaslUser(String mechanism, String name, String password) {

        /** The client's {@code sasl.jaas.config} for this user and mechanism. */
        public String jaasConfig() {
            return SecuredKafkaBroker.jaasConfig(mechanism, name, password);
        }
    }

    private final Path tlsDirectory;
    private final KafkaTlsFiles tls;
    private final SaslUser scramSha512User;
    private final SaslUser scramSha256User;
    private final SaslUser plainUser;
    private final EmbeddedKafkaBroker broker;

    /**
     * Generates the TLS files (in a temporary directory, deleted by {@link #close()}) and the users; the broker
     * itself starts with {@link #start()}.
     */
    public SecuredKafkaBroker() {
        try {
            tlsDirectory = Files.createTempDirectory("embedded-kafka-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for TLS files", e);
        }
        tls = KafkaTlsFiles.generate(tlsDirectory);
        scramSha512User = new SaslUser(SCRAM_SHA_512, "alice", KafkaTlsFiles.newPassword());
        scramSha256User = new SaslUser(SCRAM_SHA_256, "carol", KafkaTlsFiles.newPassword());
        plainUser = new SaslUser(PLAIN, "bob", KafkaTlsFiles.newPassword());
        broker = new EmbeddedKafkaBroker(listenerLayout());
    }

    /**
     * Starts the broker, formatting its storage with the SCRAM users the first time; returns once the broker answers
     * (see {@link EmbeddedKafkaBroker#start()}).
     */
    public SecuredKafkaBroker start() {
        broker.start();
        return this;
    }

    /** Stops the broker, keeping its data, ports, users and TLS files. */
    public void stop() {
        broker.stop();
    }

    /** Stops and starts again on the same ports, data, users and TLS files. */
    public SecuredKafkaBroker restart() {
        broker.restart();
        return this;
    }

    public boolean isRunning() {
        return broker.isRunning();
    }

    /** Stops the broker and deletes its log dir and the TLS files. */
    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(tlsDirectory);
        }
    }

    /** {@code 127.0.0.1:<port>} of the SASL_SSL listener: the client port. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** {@code 127.0.0.1:<port>} of the SSL listener that requires a client certificate. */
    public String mutualTlsBootstrapServers() {
        return broker.bootstrapServers(MUTUAL_TLS_LISTENER);
    }

    /** {@code 127.0.0.1:<port>} of the PLAINTEXT listener the broker uses for itself, for test tooling. */
    public String internalBootstrapServers() {
        return broker.bootstrapServers(INTERNAL_LISTENER);
    }

    /** The TLS files: trust stores (PKCS#12 and PEM), the client keystore for mutual TLS, their passwords. */
    public KafkaTlsFiles tls() {
        return tls;
    }

    /** The user {@code alice}, created for SCRAM-SHA-512 only. */
    public SaslUser scramSha512User() {
        return scramSha512User;
    }

    /** The user {@code carol}, created for SCRAM-SHA-256 only. */
    public SaslUser scramSha256User() {
        return scramSha256User;
    }

    /** The user {@code bob}, known to PLAIN only. */
    public SaslUser plainUser() {
        return plainUser;
    }

    /** The log dir of the underlying broker. */
    public Path logDir() {
        return broker.logDir();
    }

    /**
     * What a client needs for the SASL_SSL listener, with the PKCS#12 trust store: {@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and
     * {@code ssl.truststore.location/password/type}. Any name and password may be given, to test failures.
     */
    public Properties saslSslClientProperties(String mechanism, String user, String password) {
        Properties p = saslSslBase(mechanism, user, password);
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.clientTruststore().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.clientTruststorePassword());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, tls.storeType());
        return p;
    }

    /** {@link #saslSslClientProperties(String, String, String)} for one of this broker's users. */
    public Properties saslSslClientProperties(SaslUser user) {
        return saslSslClientProperties(user.mechanism(), user.name(), user.password());
    }

    /**
     * Like {@link #saslSslClientProperties(SaslUser)}, trusting the CA through the PEM file
     * ({@code ssl.truststore.type=PEM}, without a password, which Kafka refuses for PEM).
     */
    public Properties saslSslClientPropertiesWithPemTruststore(SaslUser user) {
        Properties p = saslSslBase(user.mechanism(), user.name(), user.password());
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.caCertificatePem().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        return p;
    }

    /**
     * What a client needs for the mutual TLS listener: {@code bootstrap.servers}, {@code security.protocol=SSL},
     * the client keystore and the trust store (PKCS#12, with their passwords).
     */
    public Properties mutualTlsClientProperties() {
        Properties p = tlsWithoutClientCertificateProperties();
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.clientKeystore().toString());
        p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.clientKeystorePassword());
        p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, tls.clientKeystorePassword());
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, tls.storeType());
        return p;
    }

    /**
     * {@link #mutualTlsClientProperties()} without the keystore: a TLS client that trusts the broker but has no
     * certificate to show, which the mutual TLS listener must refuse.
     */
    public Properties tlsWithoutClientCertificateProperties() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, mutualTlsBootstrapServers());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.clientTruststore().toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.clientTruststorePassword());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, tls.storeType());
        return p;
    }

    /**
     * A client's {@code sasl.jaas.config}: the SCRAM login module for {@code SCRAM-SHA-*}, the PLAIN one for
     * {@code PLAIN}. The name and password are quoted; they must not contain {@code "}.
     */
    public static String jaasConfig(String mechanism, String user, String password) {
        return loginModule(mechanism) + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    // ------------------------------------------------------------------------------------------------------------

    private Properties saslSslBase(String mechanism, String user, String password) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, mechanism);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(mechanism, user, password));
        return p;
    }

    private static String loginModule(String mechanism) {
        return switch (mechanism) {
            case SCRAM_SHA_512, SCRAM_SHA_256 -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            case PLAIN -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            default -> throw new IllegalArgumentException("not a mechanism of this broker: " + mechanism);
        };
    }

    private ListenerLayout listenerLayout() {
        Map<String, String> protocols = new LinkedHashMap<>();
        protocols.put(SASL_SSL_LISTENER, "SASL_SSL");
        protocols.put(MUTUAL_TLS_LISTENER, "SSL");
        protocols.put(INTERNAL_LISTENER, "PLAINTEXT");

        Map<String, String> p = new LinkedHashMap<>();
        // one server certificate for both TLS listeners
        p.put("ssl.keystore.location", tls.serverKeystore().toString());
        p.put("ssl.keystore.password", tls.serverKeystorePassword());
        p.put("ssl.key.password", tls.serverKeystorePassword());
        p.put("ssl.keystore.type", tls.storeType());
        p.put("ssl.truststore.location", tls.serverTruststore().toString());
        p.put("ssl.truststore.password", tls.serverTruststorePassword());
        p.put("ssl.truststore.type", tls.storeType());

        String sasl = "listener.name." + SASL_SSL_LISTENER.toLowerCase() + ".";
        p.put("sasl.enabled.mechanisms", String.join(",", SCRAM_SHA_256, SCRAM_SHA_512, PLAIN));
        p.put(sasl + "scram-sha-256.sasl.jaas.config", loginModule(SCRAM_SHA_256) + " required;");
        p.put(sasl + "scram-sha-512.sasl.jaas.config", loginModule(SCRAM_SHA_512) + " required;");
        p.put(sasl + "plain.sasl.jaas.config", loginModule(PLAIN) + " required user_" + plainUser.name() + "=\""
                + plainUser.password() + "\";");
        p.put("listener.name." + MUTUAL_TLS_LISTENER.toLowerCase() + ".ssl.client.auth", "required");

        List<String> scram = List.of(scramArgument(scramSha512User), scramArgument(scramSha256User));
        return new ListenerLayout(SASL_SSL_LISTENER, protocols, INTERNAL_LISTENER, p, scram);
    }

    /** A user as {@code kafka-storage format --add-scram} takes it. */
    private static String scramArgument(SaslUser user) {
        return user.mechanism() + "=[name=" + user.name() + ",password=" + user.password() + "]";
    }
}
