package io.github.o365auditcamel.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The secured broker with the Java client: each SASL mechanism produces (transactionally, so the transaction
 * coordinator's markers go through the internal listener) and consumes through the SASL_SSL port; the PEM trust store
 * works; a wrong password or a client certificate missing fail at once with an authentication error; the client port
 * does not answer PLAINTEXT; a restart keeps the ports and the SCRAM users.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecuredKafkaBrokerTest {

    private static SecuredKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        long t0 = System.nanoTime();
        broker = new SecuredKafkaBroker();
        long t1 = System.nanoTime();
        broker.start();
        long t2 = System.nanoTime();
        System.out.println("SecuredKafkaBroker: TLS files and users made in " + TimeUnit.NANOSECONDS.toMillis(t1 - t0)
                + " ms, started in " + TimeUnit.NANOSECONDS.toMillis(t2 - t1) + " ms: SASL_SSL "
                + broker.bootstrapServers() + ", mTLS " + broker.mutualTlsBootstrapServers() + ", internal "
                + broker.internalBootstrapServers());
    }

    @AfterAll
    static void closeBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {SecuredKafkaBroker.SCRAM_SHA_512, SecuredKafkaBroker.SCRAM_SHA_256,
        SecuredKafkaBroker.PLAIN})
    void eachMechanismProducesAndConsumesThroughSaslSsl(String mechanism) throws Exception {
        SecuredKafkaBroker.SaslUser user = switch (mechanism) {
            case SecuredKafkaBroker.SCRAM_SHA_512 -> broker.scramSha512User();
            case SecuredKafkaBroker.SCRAM_SHA_256 -> broker.scramSha256User();
            default -> broker.plainUser();
        };
        assertRoundTrip(broker.saslSslClientProperties(user), true);
    }

    @Test
    void pemTruststoreIsEnough() throws Exception {
        assertRoundTrip(broker.saslSslClientPropertiesWithPemTruststore(broker.scramSha512User()), false);
    }

    @Test
    void wrongPasswordFailsAtOnceWithAnAuthenticationError() {
        SecuredKafkaBroker.SaslUser alice = broker.scramSha512User();
        assertAuthenticationFails(SaslAuthenticationException.class,
                broker.saslSslClientProperties(alice.mechanism(), alice.name(), "not-" + alice.password()));
        SecuredKafkaBroker.SaslUser bob = broker.plainUser();
        assertAuthenticationFails(SaslAuthenticationException.class,
                broker.saslSslClientProperties(bob.mechanism(), bob.name(), "not-" + bob.password()));
        // alice was created for SCRAM-SHA-512 only
        assertAuthenticationFails(SaslAuthenticationException.class, broker.saslSslClientProperties(
                SecuredKafkaBroker.SCRAM_SHA_256, alice.name(), alice.password()));
    }

    @Test
    void mutualTlsWorksWithTheClientCertificate() throws Exception {
        assertRoundTrip(broker.mutualTlsClientProperties(), false);
    }

    @Test
    void mutualTlsRefusesAClientWithoutCertificate() {
        assertAuthenticationFails(SslAuthenticationException.class, broker.tlsWithoutClientCertificateProperties());
    }

    @Test
    void clientPortDoesNotAnswerPlaintextButTheInternalPortDoes() throws IOException {
        // a raw ApiVersions request, not a Kafka client: see the SecuredKafkaBroker javadoc
        int correlationId = 4711;
        assertEquals(correlationId, plaintextApiVersionsAnswer(broker.internalBootstrapServers(), correlationId),
                "the internal listener answers PLAINTEXT");
        assertEquals(-1, plaintextApiVersionsAnswer(broker.bootstrapServers(), correlationId),
                "the SASL_SSL listener must not answer PLAINTEXT");
        assertEquals(-1, plaintextApiVersionsAnswer(broker.mutualTlsBootstrapServers(), correlationId),
                "the mutual TLS listener must not answer PLAINTEXT");
    }

    @Test
    void restartKeepsPortsAndUsers() throws Exception {
        String saslSsl = broker.bootstrapServers();
        String mutualTls = broker.mutualTlsBootstrapServers();
        String internal = broker.internalBootstrapServers();
        broker.restart();
        assertEquals(List.of(saslSsl, mutualTls, internal), List.of(broker.bootstrapServers(),
                broker.mutualTlsBootstrapServers(), broker.internalBootstrapServers()));
        // the SCRAM users live in the metadata log, written when the storage was formatted
        assertRoundTrip(broker.saslSslClientProperties(broker.scramSha512User()), true);
    }

    // ------------------------------------------------------------------------------------------------------------

    /** Produces a few records through the client properties and reads them back through the same. */
    private static void assertRoundTrip(Properties client, boolean transactional) throws Exception {
        String topic = "secured-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.internalBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        Map<String, String> sent = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            sent.put("key-" + i, "value-" + i);
        }

        Properties producerProperties = new Properties();
        producerProperties.putAll(client);
        producerProperties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        producerProperties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProperties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        if (transactional) {
            producerProperties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties)) {
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            for (Map.Entry<String, String> record : sent.entrySet()) {
                producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()));
            }
            if (transactional) {
                producer.commitTransaction();
            } else {
                producer.flush();
            }
        }

        Properties consumerProperties = new Properties();
        consumerProperties.putAll(client);
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProperties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, String> received = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.put(r.key(), r.value()));
            }
        }
        assertEquals(sent, received);
    }

    /** An Admin call with the client properties fails, with the given cause, well before any timeout. */
    private static void assertAuthenticationFails(Class<? extends Exception> expected, Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(p)) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertInstanceOf(expected, failure.getCause(), () -> "cause: " + failure.getCause());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 5_000, "failed only after " + ms + " ms");
    }

    /**
     * Sends an ApiVersions v0 request in PLAINTEXT and returns the correlation id of the answer, or -1 when the
     * broker closes the connection or answers something else (a TLS alert).
     */
    private static int plaintextApiVersionsAnswer(String hostAndPort, int correlationId) throws IOException {
        String[] address = hostAndPort.split(":");
        byte[] clientId = "plaintext-probe".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(address[0], Integer.parseInt(address[1]))) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(2 + 2 + 4 + 2 + clientId.length); // size
            out.writeShort(18); // api key: ApiVersions
            out.writeShort(0); // api version
            out.writeInt(correlationId);
            out.writeShort(clientId.length);
            out.write(clientId);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int first = in.read();
            if (first != 0) {
                // end of stream, or not the first byte of a Kafka frame's size: the TLS listeners of Kafka 3.9.1 on
                // JDK 17 answer with a TLS alert record (0x15)
                return -1;
            }
            byte[] rest = new byte[7];
            in.readFully(rest);
            return ((rest[3] & 0xff) << 24) | ((rest[4] & 0xff) << 16) | ((rest[5] & 0xff) << 8) | (rest[6] & 0xff);
        } catch (EOFException | SocketException e) {
            return -1; // closed, or reset
        }
    }
}
