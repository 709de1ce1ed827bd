package io.github.o365auditcamel.kafka;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

import io.github.o365auditcamel.metrics.KafkaClientMeters;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where every Kafka client of the collector gets its connection and security settings: the bootstrap servers from
 * {@code kafka.brokers} ({@code KAFKA_BROKERS}), and the security protocol, SASL, TLS and any
 * {@code additional-properties} from camel-kafka's own component configuration, {@code camel.component.kafka.*}
 * ({@code CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL} and friends), as camel-kafka documents them. The routes' Kafka
 * endpoints take them from that configuration themselves; the collector's own clients (publishing producers, the
 * state store, the admin clients) take them from here, so that both always agree.
 *
 * <p>The component's configuration is read at the first use, after camel-main has bound its properties.
 */
public final class KafkaClientSettings {

    private static final Set<String> PRODUCER = ProducerConfig.configNames();
    private static final Set<String> CONSUMER = ConsumerConfig.configNames();
    private static final Set<String> ADMIN = AdminClientConfig.configNames();
    private static final Set<String> ANY_CLIENT = union(PRODUCER, CONSUMER, ADMIN);

    private final String brokers;
    private final Supplier<KafkaConfiguration> component;
    private volatile Properties connection;
    private volatile KafkaClientMeters meters;

    public KafkaClientSettings(String brokers, Supplier<KafkaConfiguration> component) {
        this.brokers = brokers;
        this.component = component;
    }

    /** The settings of the Camel context's {@code kafka} component (camel.component.kafka.*). */
    public static KafkaClientSettings of(CamelContext context, String brokers) {
        return new KafkaClientSettings(brokers,
                () -> context.getComponent("kafka", KafkaComponent.class).getConfiguration());
    }

    /** Plaintext, no authentication: for tools and tests that talk to a local broker. */
    public static KafkaClientSettings plaintext(String brokers) {
        return new KafkaClientSettings(brokers, KafkaConfiguration::new);
    }

    public String brokers() {
        return brokers;
    }

    /** Exports the metrics of the clients made with these settings ({@link #metered}) to {@code meters}. */
    public void exportMetricsTo(KafkaClientMeters meters) {
        this.meters = meters;
    }

    /** A producer made with these settings, its metrics exported (when {@link #exportMetricsTo} was called). */
    public <P extends Producer<?, ?>> P metered(P producer) {
        return meters == null ? producer : meters.bind(producer);
    }

    /** A consumer made with these settings, its metrics exported (when {@link #exportMetricsTo} was called). */
    public <C extends Consumer<?, ?>> C metered(C consumer) {
        return meters == null ? consumer : meters.bind(consumer);
    }

    /** The security protocol in use: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
    public String securityProtocol() {
        return connection().getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                .toUpperCase(Locale.ROOT);
    }

    /** "SASL_SSL with SCRAM-SHA-512", "SSL", "PLAINTEXT": for a log line. */
    public String describe() {
        String protocol = securityProtocol();
        String mechanism = connection().getProperty("sasl.mechanism", "GSSAPI");
        return protocol.startsWith("SASL_") ? protocol + " with " + mechanism : protocol;
    }

    /** A producer's connection and security settings, with {@code own} (the producer's own settings) on top. */
    public Properties producer(Map<String, ?> own) {
        return forClient(PRODUCER, own);
    }

    /** A consumer's connection and security settings, with {@code own} on top. */
    public Properties consumer(Map<String, ?> own) {
        return forClient(CONSUMER, own);
    }

    /** An admin client's connection and security settings, with {@code own} on top. */
    public Properties admin(Map<String, ?> own) {
        return forClient(ADMIN, own);
    }

    /**
     * The connection and security part of what camel-kafka gives its own clients: {@code security.protocol},
     * {@code ssl.*}, {@code sasl.*} and every additional property, plus the bootstrap servers.
     */
    Properties connection() {
        Properties cached = connection;
        if (cached == null) {
            KafkaConfiguration configuration = component.get();
            Properties all = configuration.createConsumerProperties();
            Properties c = new Properties();
            for (String key : all.stringPropertyNames()) {
                if (key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || key.startsWith("ssl.")
                        || key.startsWith("sasl.")) {
                    c.put(key, all.get(key));
                }
            }
            Map<String, Object> additional = configuration.getAdditionalProperties();
            if (additional != null) {
                additional.forEach((key, value) -> {
                    if (value != null) {
                        c.put(key, value);
                    }
                });
            }
            c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, brokers);
            connection = c;
            cached = c;
        }
        return cached;
    }

    /** The settings this kind of client knows, and those no client knows (a plugin's, such as a login handler's). */
    private Properties forClient(Set<String> known, Map<String, ?> own) {
        Properties props = new Properties();
        connection().forEach((key, value) -> {
            if (known.contains(key) || !ANY_CLIENT.contains(key)) {
                props.put(key, value);
            }
        });
        props.putAll(own);
        return props;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }

    @Override
    public String toString() {
        // never the JAAS configuration or a store password
        return "KafkaClientSettings[brokers=" + brokers + ", " + describe() + "]";
    }
}
