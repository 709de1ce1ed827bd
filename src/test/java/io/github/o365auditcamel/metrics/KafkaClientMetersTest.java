package io.github.o365auditcamel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The consumers a route makes share its clientId (camel-kafka's consumersCount); the factory tells them apart, so
 * that each fetcher's Kafka metrics are its own instead of one gauge registered twice (a WARN at every start).
 */
class KafkaClientMetersTest {

    @Test
    void eachConsumerOfARouteGetsAClientIdOfItsOwnAndItsOwnMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaClientMeters factory = new KafkaClientMeters(registry);
        Consumer<?, ?> first = factory.getConsumer(consumer("o365-audit-camel-fetcher"));
        Consumer<?, ?> second = factory.getConsumer(consumer("o365-audit-camel-fetcher"));
        Consumer<?, ?> other = factory.getConsumer(consumer("o365-audit-camel-other"));
        try {
            Set<String> clientIds = registry.getMeters().stream()
                    .map(m -> m.getId().getTag("client.id")).filter(id -> id != null)
                    .collect(Collectors.toSet());
            assertEquals(Set.of("o365-audit-camel-fetcher", "o365-audit-camel-fetcher-1", "o365-audit-camel-other"),
                    clientIds);
            assertTrue(registry.getMeters().size() > 3);
        } finally {
            first.close();
            second.close();
            other.close();
        }
    }

    @Test
    void propertiesWithoutAClientIdAreLeftAsTheyAre() {
        Properties props = new Properties();
        assertNull(new KafkaClientMeters(new SimpleMeterRegistry()).distinctClientId(props)
                .getProperty(ConsumerConfig.CLIENT_ID_CONFIG));
    }

    private static Properties consumer(String clientId) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "g");
        props.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}
