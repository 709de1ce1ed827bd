package io.github.o365auditcamel.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * camel-kafka's component options from the environment, as camel-main documents them:
 * {@code CAMEL_COMPONENT_KAFKA_SECURITY_PROTOCOL=SASL_SSL} is {@code camel.component.kafka.security-protocol}. camel-main
 * 4.18.0 does not apply such variables itself (its filter compares the upper-case variable names with lower-case
 * property prefixes), so the collector reads them here and hands them to camel-main as override properties, above
 * {@code application.properties}, as environment variables are everywhere else.
 *
 * <p>Kafka client settings that camel-kafka has no option for go through its {@code additional-properties}; a Kafka
 * key is dotted, which no environment variable can be, so {@code CAMEL_COMPONENT_KAFKA_ADDITIONAL_PROPERTIES_SASL_LOGIN_CALLBACK_HANDLER_CLASS}
 * stands for {@code additional-properties[sasl.login.callback.handler.class]}.
 */
public final class KafkaEnvironmentVariables {

    private static final String PREFIX = "CAMEL_COMPONENT_KAFKA_";
    private static final String ADDITIONAL = "ADDITIONAL_PROPERTIES_";

    private KafkaEnvironmentVariables() {
    }

    /** The camel-main properties that the {@code CAMEL_COMPONENT_KAFKA_*} variables of {@code environment} set. */
    public static Map<String, String> properties(Map<String, String> environment) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith(PREFIX) || value == null || value.isBlank()) {
                return;
            }
            String option = upper.substring(PREFIX.length());
            if (option.startsWith(ADDITIONAL)) {
                String kafkaKey = option.substring(ADDITIONAL.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                properties.put("camel.component.kafka.additional-properties[" + kafkaKey + "]", value);
            } else {
                properties.put("camel.component.kafka." + option.toLowerCase(Locale.ROOT).replace('_', '-'), value);
            }
        });
        return properties;
    }
}
