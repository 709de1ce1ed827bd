package io.github.o365auditcamel.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.Test;

/**
 * The probe's last resort, when a port accepted a plaintext Kafka request but answered neither Kafka nor a TLS alert:
 * a TLS handshake tells a TLS listener (which may close a plaintext request without a word) from one that is not.
 */
class KafkaPortProbeTest {

    @Test
    void aTlsListenerAnswersTheHandshakeAndAPlainOneDoesNot() throws Exception {
        try (ManagementApiSimulator simulator = ManagementApiSimulator.builder().build()) {
            simulator.start();
            URI https = URI.create(simulator.httpsBaseUrl());
            assertTrue(KafkaPortProbe.answersTlsHandshake("127.0.0.1:" + https.getPort()), "the simulator's HTTPS port");
            URI http = URI.create(simulator.baseUrl());
            assertFalse(KafkaPortProbe.answersTlsHandshake("127.0.0.1:" + http.getPort()), "its plain HTTP port");
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
        assertFalse(KafkaPortProbe.answersTlsHandshake(broker.bootstrapServers()), "a PLAINTEXT Kafka listener");
        assertTrue(KafkaPortProbe.probe(broker.bootstrapServers()).speaksPlainKafka());
    }

    @Test
    void aPortThatClosesAtOnceIsNotTakenForTls() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread closer = new Thread(() -> {
                try (Socket accepted = server.accept()) {
                    // closed without a byte
                } catch (Exception ignored) {
                    // the test ends
                }
            });
            closer.start();
            assertFalse(KafkaPortProbe.answersTlsHandshake("127.0.0.1:" + server.getLocalPort()));
            closer.join(5000);
        }
    }
}
