package io.github.o365auditcamel.metrics;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Kafka clients' own metrics in the registry Camel serves at {@code /observe/metrics}, through Micrometer's
 * Kafka binder: those of the collector's own producers and consumers ({@link #bind}) and, as camel-kafka's client
 * factory, those of the routes' consumers and producers, the fetchers' consumer lag
 * ({@code kafka_consumer_fetch_manager_records_lag_max}) among them. Every binder shares one refresh thread.
 * <p>
 * The consumers a route makes ({@code consumersCount}) share the route's {@code clientId}; Kafka's metrics tell clients
 * apart by it, so each consumer after the first gets {@code -1}, {@code -2}, ... appended, and every fetcher's lag is
 * its own meter rather than one registered twice.
 */
public final class KafkaClientMeters extends DefaultKafkaClientFactory {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> consumersByClientId = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kafka-client-metrics");
        t.setDaemon(true);
        return t;
    });

    public KafkaClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return bind(super.getProducer(kafkaProps));
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return bind(super.getConsumer(distinctClientId(kafkaProps)));
    }

    /** The properties with the client id made distinct when a consumer of the same client id was made before. */
    Properties distinctClientId(Properties kafkaProps) {
        String clientId = kafkaProps.getProperty(ConsumerConfig.CLIENT_ID_CONFIG);
        if (clientId == null || clientId.isBlank()) {
            return kafkaProps;
        }
        int earlier = consumersByClientId.computeIfAbsent(clientId, id -> new AtomicInteger()).getAndIncrement();
        if (earlier == 0) {
            return kafkaProps;
        }
        Properties distinct = new Properties();
        distinct.putAll(kafkaProps);
        distinct.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + earlier);
        return distinct;
    }

    /** Exports a producer's metrics; returns it. */
    public <P extends Producer<?, ?>> P bind(P producer) {
        new KafkaClientMetrics(producer, List.of(), refresh).bindTo(registry);
        return producer;
    }

    /** Exports a consumer's metrics; returns it. */
    public <C extends Consumer<?, ?>> C bind(C consumer) {
        new KafkaClientMetrics(consumer, List.of(), refresh).bindTo(registry);
        return consumer;
    }
}
