package io.github.o365auditcamel.metrics;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The Kafka clients' own metrics in the registry Camel serves at {@code /observe/metrics}, through Micrometer's
 * Kafka binder: those of the collector's own producers and consumers ({@link #bind}) and, as camel-kafka's client
 * factory, those of the routes' consumers and producers, the fetchers' consumer lag
 * ({@code kafka_consumer_fetch_manager_records_lag_max}) among them. Every binder shares one refresh thread.
 */
public final class KafkaClientMeters extends DefaultKafkaClientFactory {

    private final MeterRegistry registry;
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
        return bind(super.getConsumer(kafkaProps));
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
