package io.github.o365auditcamel.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.component.kafka.KafkaConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client of the collector gets the same connection and security settings, those of camel-kafka's
 * component configuration, whether they came from {@code camel.component.kafka.*} or from
 * {@code CAMEL_COMPONENT_KAFKA_*} variables; each kind of client gets only the keys it knows, plus those no client
 * knows (a login handler's own).
 */
class KafkaClientSettingsTest {

    @Test
    void environmentVariablesNameCamelKafkaOptionsAndAdditionalPropertiesByTheirKafkaKeys() {
        Map<String, String> properties = KafkaEnvironmentVariables.properties(Map.of(
                "CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.crt",
                "CAMEL_COMPONENT_KAFKA_ADDITIONAL_PROPERTIES_SASL_CLIENT_CALLBACK_HANDLER_CLASS", "x.IamHandler",
                "O365_TENANT_ID", "not kafka's",
                "CAMEL_COMPONENT_KAFKA_SASL_MECHANISM", " "));

        assertEquals(Map.of("camel.component.kafka.security-protocol", "SASL_SSL",
                "camel.component.kafka.ssl-truststore-location", "/etc/kafka/ca.crt",
                "camel.component.kafka.additional-properties[sasl.client.callback.handler.class]", "x.IamHandler"),
                properties);
    }

    @Test
    void everyKindOfClientGetsTheSecuritySettingsAndTheAdditionalPropertiesItKnows() {
        KafkaConfiguration component = new KafkaConfiguration();
        component.setSecurityProtocol("SASL_SSL");
        component.setSaslMechanism("SCRAM-SHA-512");
        component.setSaslJaasConfig("org.apache.kafka.common.security.scram.ScramLoginModule required;");
        component.setSslTruststoreLocation("/etc/kafka/ca.crt");
        component.setSslTruststoreType("PEM");
        component.setAdditionalProperties(Map.of(
                "sasl.login.callback.handler.class", "x.LoginHandler",
                "max.request.size", "2097152",
                "awsRoleArn", "arn:aws:iam::1:role/collector"));
        KafkaClientSettings settings = new KafkaClientSettings("kafka-1:9093,kafka-2:9093", () -> component);

        Properties producer = settings.producer(Map.of("acks", "all"));
        Properties admin = settings.admin(Map.of());
        Properties consumer = settings.consumer(Map.of());

        for (Properties client : new Properties[] {producer, admin, consumer}) {
            assertEquals("kafka-1:9093,kafka-2:9093", client.get("bootstrap.servers"));
            assertEquals("SASL_SSL", client.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"));
            assertEquals("PEM", client.get("ssl.truststore.type"));
            assertEquals("x.LoginHandler", client.get("sasl.login.callback.handler.class"));
            // no client knows it: a login module's own setting, passed on
            assertEquals("arn:aws:iam::1:role/collector", client.get("awsRoleArn"));
        }
        assertEquals("all", producer.get("acks"));
        assertEquals("2097152", producer.get("max.request.size"), "a producer's own setting reaches the producers");
        assertFalse(admin.containsKey("max.request.size"), "and not the admin client, which would warn about it");
        assertFalse(consumer.containsKey("max.request.size"));
        assertEquals("SASL_SSL with SCRAM-SHA-512", settings.describe());
        assertFalse(settings.toString().contains("ScramLoginModule"), "no JAAS configuration in the text");
        assertTrue(KafkaClientSettings.plaintext("localhost:9092").describe().equals("PLAINTEXT"));
    }
}
