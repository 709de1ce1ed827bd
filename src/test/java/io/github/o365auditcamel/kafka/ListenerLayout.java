package io.github.o365auditcamel.kafka;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker listeners of an {@link EmbeddedKafkaBroker} and what goes with them: the plain broker has one PLAINTEXT
 * listener; {@link SecuredKafkaBroker} has secured ones beside a PLAINTEXT one for the broker itself. Every listener
 * gets a loopback port of its own and is advertised on it (the controller listener is added by the broker).
 *
 * @param clientListener the listener on {@link EmbeddedKafkaBroker#port()}, the one
 *        {@link EmbeddedKafkaBroker#bootstrapServers()} names
 * @param securityProtocols every broker listener's security protocol ({@code PLAINTEXT}, {@code SASL_SSL},
 *        {@code SSL}), by listener name
 * @param interBrokerListener a PLAINTEXT listener: the broker talks to itself through it (the transaction
 *        coordinator's markers), and {@link EmbeddedKafkaBroker#start()} asks it whether the broker is up
 * @param brokerProperties further broker settings: the listeners' TLS and SASL settings
 * @param scramCredentials SCRAM users written into the metadata when the storage is formatted, as
 *        {@code kafka-storage format --add-scram} takes them: {@code SCRAM-SHA-512=[name=alice,password=...]}
 */
record ListenerLayout(String clientListener, Map<String, String> securityProtocols, String interBrokerListener,
        Map<String, String> brokerProperties, List<String> scramCredentials) {

    ListenerLayout {
        securityProtocols = Collections.unmodifiableMap(new LinkedHashMap<>(securityProtocols));
        brokerProperties = Map.copyOf(brokerProperties);
        scramCredentials = List.copyOf(scramCredentials);
        if (!securityProtocols.containsKey(clientListener)) {
            throw new IllegalArgumentException("no security protocol for the client listener " + clientListener);
        }
        if (!"PLAINTEXT".equals(securityProtocols.get(interBrokerListener))) {
            throw new IllegalArgumentException("the inter-broker listener must be PLAINTEXT: " + interBrokerListener);
        }
    }

    /** One PLAINTEXT listener, named PLAINTEXT, for clients and for the broker itself. */
    static ListenerLayout plaintext() {
        return new ListenerLayout("PLAINTEXT", Map.of("PLAINTEXT", "PLAINTEXT"), "PLAINTEXT", Map.of(), List.of());
    }

    /** The listeners that need a port besides the client listener's, in a fixed order. */
    List<String> otherListeners() {
        return securityProtocols.keySet().stream().filter(name -> !name.equals(clientListener)).toList();
    }
}
