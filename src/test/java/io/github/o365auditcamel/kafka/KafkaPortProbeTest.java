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

    /**
     * A TLS listener that resets the plaintext request's connection (RST, so that reading the answer fails) instead of
     * answering it with an alert: the probe does not give up on it, and its handshake shows TLS. Taken for "no answer"
     * before, such a port let a PLAINTEXT client in, which then ran out of memory (StartupFailuresIT, once in CI).
     */
    @Test
    void aTlsListenerThatResetsThePlaintextRequestIsStillFoundOut() throws Exception {
        try (ManagementApiSimulator simulator = ManagementApiSimulator.builder().build();
                ServerSocket front = new ServerSocket(0)) {
            simulator.start();
            int tlsPort = URI.create(simulator.httpsBaseUrl()).getPort();
            Thread listener = new Thread(() -> resetFirstThenForward(front, tlsPort));
            listener.setDaemon(true);
            listener.start();

            KafkaPortProbe.Answer answer = KafkaPortProbe.probe("127.0.0.1:" + front.getLocalPort());

            assertTrue(answer.speaksTls(), answer.toString());
        }
    }

    /** The first connection reset at once; every later one forwarded to the TLS port, both ways. */
    private static void resetFirstThenForward(ServerSocket front, int tlsPort) {
        try {
            Socket first = front.accept();
            first.setSoLinger(true, 0);
            first.getInputStream().read();
            first.close();
            while (!front.isClosed()) {
                Socket client = front.accept();
                Socket tls = new Socket("127.0.0.1", tlsPort);
                pipe(client, tls);
                pipe(tls, client);
            }
        } catch (java.io.IOException ignored) {
            // the test ends
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread copy = new Thread(() -> {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (java.io.IOException ignored) {
                // a side closed
            }
        });
        copy.setDaemon(true);
        copy.start();
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
