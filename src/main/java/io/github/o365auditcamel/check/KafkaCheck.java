package io.github.o365auditcamel.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.kafka.Secrets;
import io.github.o365auditcamel.publish.TransactionalProducers;
import io.github.o365auditcamel.state.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka part of the setup check, with the collector's own client settings: a broker answers; each topic the
 * collector needs is there, or the principal may create it (asked with {@code validateOnly}, nothing is created);
 * a transactional producer under the collector's transactional id prefix initializes.
 */
final class KafkaCheck {

    private static final int TIMEOUT_SECONDS = 10;

    private final List<CollectorSettings> all;
    private final KafkaClientSettings kafka;
    private final Properties connection;

    KafkaCheck(List<CollectorSettings> all, KafkaClientSettings kafka) {
        this.all = all;
        this.kafka = kafka;
        this.connection = kafka.admin(Map.of());
    }

    List<CheckLine> run() {
        List<CheckLine> lines = new ArrayList<>();
        try (Admin admin = Admin.create(kafka.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG,
                "o365-audit-camel-setup-check", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000)))) {
            int brokers;
            try {
                brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
                lines.add(CheckLine.ok("kafka", brokers + " broker(s) at " + kafka.brokers() + " answer ("
                        + kafka.describe() + ")"));
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                lines.add(CheckLine.fail("kafka", "Kafka at " + kafka.brokers() + " (" + kafka.describe()
                        + ") is not usable: " + why(e)));
                lines.add(CheckLine.fail("topics", "not checked: Kafka is not usable"));
                return lines;
            }
            lines.addAll(topics(admin, brokers));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lines.add(CheckLine.fail("kafka", "interrupted"));
            return lines;
        }
        lines.add(transactions());
        return lines;
    }

    private List<CheckLine> topics(Admin admin, int brokers) throws InterruptedException {
        KafkaTopics topics = new KafkaTopics(all, kafka);
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return List.of(CheckLine.fail("topics", "the topics could not be listed: " + why(e)
                    + " (the principal needs Describe on the topics prefixed " + all.get(0).topicPrefix() + ")"));
        }
        List<NewTopic> missing = topics.missing(existing, brokers);
        var results = missing.isEmpty() ? Map.<String, org.apache.kafka.common.KafkaFuture<Void>>of()
                : admin.createTopics(missing, new CreateTopicsOptions().validateOnly(true)).values();
        List<CheckLine> lines = new ArrayList<>();
        for (String name : topics.names()) {
            NewTopic wanted = missing.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
            if (wanted == null) {
                lines.add(CheckLine.ok("topic " + name, "present"));
                continue;
            }
            try {
                results.get(name).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                lines.add(CheckLine.ok("topic " + name, "missing: the collector creates it"));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    lines.add(CheckLine.ok("topic " + name, "present"));
                } else if (e.getCause() instanceof AuthorizationException
                        || e.getCause() instanceof PolicyViolationException) {
                    lines.add(CheckLine.fail("topic " + name, "missing, and Kafka refuses to create it ("
                            + why(e) + "): create " + KafkaTopics.describe(wanted)
                            + ", or allow the principal Create on it"));
                } else {
                    lines.add(CheckLine.fail("topic " + name, "missing, and it cannot be created: " + why(e)
                            + "; create " + KafkaTopics.describe(wanted)));
                }
            } catch (TimeoutException e) {
                lines.add(CheckLine.fail("topic " + name, "missing; Kafka did not say whether it may be created"));
            }
        }
        return lines;
    }

    /** A transactional producer with a throwaway id under the collector's prefix: the ACLs for transactions. */
    private CheckLine transactions() {
        String id = new TransactionalProducers(all.get(0), kafka).transactionalId("setup-check");
        Properties props = kafka.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-setup-check",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_SECONDS * 1000,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"));
        String prefix = TransactionalProducers.TRANSACTIONAL_ID_PREFIX;
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            return CheckLine.fail("transactions", "no producer could be made: " + why(e));
        }
        try {
            producer.initTransactions();
            return CheckLine.ok("transactions", "a transactional producer (id " + id + ") initialized");
        } catch (TransactionalIdAuthorizationException e) {
            return CheckLine.fail("transactions", "the principal may not use the transactional id " + id
                    + ": allow it Write and Describe on the TransactionalId prefix " + prefix);
        } catch (ClusterAuthorizationException e) {
            return CheckLine.fail("transactions", "the principal may not write idempotently: allow it"
                    + " IdempotentWrite on the Cluster (and Write on the TransactionalId prefix " + prefix + ")");
        } catch (RuntimeException e) {
            return CheckLine.fail("transactions", "a transactional producer (id " + id + ") did not initialize: "
                    + why(e) + " (the brokers' transaction state topic needs enough live brokers)");
        } finally {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /** The client's own words without secrets; a timeout said plainly. */
    private String why(Exception failure) {
        Throwable cause = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "no broker answered within " + TIMEOUT_SECONDS + " s (not running, not reachable from here,"
                        + " or not a Kafka port)";
            }
            if (t instanceof SaslAuthenticationException) {
                return "authentication refused: check the user and password in CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG"
                        + " (" + Secrets.without(String.valueOf(t.getMessage()), connection) + ")";
            }
            if (t instanceof SslAuthenticationException) {
                return "TLS handshake failed: check CAMEL_COMPONENT_KAFKA_SSL_TRUSTSTORE_LOCATION ("
                        + Secrets.without(String.valueOf(t.getMessage()), connection) + ")";
            }
            cause = t;
        }
        return Secrets.without(cause.getClass().getSimpleName() + ": " + cause.getMessage(), connection);
    }
}
