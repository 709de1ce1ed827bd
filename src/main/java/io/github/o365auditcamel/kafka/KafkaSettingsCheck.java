package io.github.o365auditcamel.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import io.github.o365auditcamel.config.InvalidSettingException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * Checks the Kafka connection and security settings at startup, before any client connects: a security protocol Kafka
 * knows, SASL with its JAAS configuration, key and trust stores that exist and open with their passwords, and a
 * broker port that speaks the protocol configured (a plaintext client reading a TLS port would take the TLS alert for
 * a frame length and run out of memory). A mistake stops startup with one line naming the setting, never its value.
 * A broker that cannot be reached is not a mistake here: the collector waits for it, and readiness says why.
 */
public final class KafkaSettingsCheck {

    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private KafkaSettingsCheck() {
    }

    /** @throws InvalidSettingException naming the first bad setting */
    public static void check(KafkaClientSettings clients) {
        Properties connection = clients.connection();
        String protocol = connection.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT").trim();
        // in capitals: camel-kafka compares them as written, and would leave a lower-case "ssl" without its TLS settings
        if (!PROTOCOLS.contains(protocol)) {
            throw invalid("securityProtocol", "must be one of " + String.join(", ", PROTOCOLS) + ", in capitals");
        }
        if (protocol.startsWith("SASL_") && connection.getProperty(SaslConfigs.SASL_JAAS_CONFIG) == null
                && System.getProperty("java.security.auth.login.config") == null) {
            throw invalid("saslJaasConfig", "is required with " + protocol + " (the login module and the"
                    + " credentials, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"...\" password=\"...\";)");
        }
        if (protocol.endsWith("SSL")) {
            requireFile(connection, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, "sslTruststoreLocation");
            requireFile(connection, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, "sslKeystoreLocation");
        }
        KafkaPortProbe.Answer answer = KafkaPortProbe.probe(clients.brokers());
        boolean tls = protocol.endsWith("SSL");
        if (answer.speaksTls() && !tls) {
            throw invalid("securityProtocol", "is " + protocol + ", but the broker at " + answer.broker()
                    + " answers with TLS: set it to SSL or SASL_SSL (or name the broker's plaintext port in"
                    + " KAFKA_BROKERS)");
        }
        if (answer.speaksPlainKafka() && tls) {
            throw invalid("securityProtocol", "is " + protocol + ", but the broker at " + answer.broker()
                    + " answers without TLS: set it to PLAINTEXT or SASL_PLAINTEXT (or name the broker's TLS port in"
                    + " KAFKA_BROKERS)");
        }
        buildClient(clients, connection);
    }

    /**
     * Builds (and closes at once) an admin client: Kafka loads the stores, checks their passwords and parses the
     * JAAS configuration as it builds one, before any connection.
     */
    private static void buildClient(KafkaClientSettings clients, Properties connection) {
        Properties props = clients.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-settings-check",
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 60_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 60_000));
        try {
            Admin.create(props).close(Duration.ZERO);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = Secrets.without(plain(root), connection);
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
                chain.append(t.getMessage()).append(' ');
            }
            String text = chain.toString();
            String lower = text.toLowerCase(Locale.ROOT);
            // Kafka says "keystore" for a trust store too: the file's path tells them apart
            String truststore = connection.getProperty(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
            String keystore = connection.getProperty(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
            if (truststore != null && text.contains(truststore)) {
                throw invalid("sslTruststoreLocation", "(with its password and type) is not usable: " + message);
            }
            if (keystore != null && text.contains(keystore)) {
                throw invalid("sslKeystoreLocation", "(with its password and type) is not usable: " + message);
            }
            if (lower.contains("truststore")) {
                throw invalid("sslTruststoreLocation", "(with its password and type) is not usable: " + message);
            }
            if (lower.contains("keystore") || lower.contains("private key") || lower.contains("key password")) {
                throw invalid("sslKeystoreLocation", "(with its password and type) is not usable: " + message);
            }
            if (lower.contains("jaas") || lower.contains("login module") || lower.contains("sasl")) {
                throw invalid("saslJaasConfig", "is not usable: " + message);
            }
            throw new InvalidSettingException("CAMEL_COMPONENT_KAFKA_*", "(the Kafka client settings) are not"
                    + " usable: " + message);
        }
    }

    /** What went wrong, in words: a store's password, else the root cause's message without exception names. */
    private static String plain(Throwable root) {
        String message = String.valueOf(root.getMessage());
        if (root instanceof javax.crypto.BadPaddingException || root instanceof java.security.UnrecoverableKeyException
                || message.contains("password was incorrect")) {
            return "its password does not open it";
        }
        return message.replaceAll("\\b[\\w.]*(Exception|Error): ", "");
    }

    private static void requireFile(Properties connection, String key, String option) {
        String location = connection.getProperty(key);
        if (location != null && !Files.isRegularFile(Path.of(location))) {
            throw invalid(option, "names no readable file");
        }
    }

    /** {@code sslTruststoreLocation}: its environment variable, and its key in application.properties. */
    private static InvalidSettingException invalid(String option, String problem) {
        String kebab = option.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        String variable = "CAMEL_COMPONENT_KAFKA_" + kebab.replace('-', '_').toUpperCase(Locale.ROOT);
        return new InvalidSettingException(variable + " (camel.component.kafka." + kebab + ")", problem);
    }
}
