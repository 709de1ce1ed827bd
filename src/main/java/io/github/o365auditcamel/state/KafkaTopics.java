package io.github.o365auditcamel.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.TopicSettings;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.progress.FailureReason;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure, at startup, that the topics the collector uses exist: the compacted state topic, the content
 * references every tenant's listing hands to the fetchers ({@code o365.content-refs-partitions} partitions), the
 * dead-letter topic and the record topic of each tenant's content types. It creates those that are missing, as
 * {@link TopicSettings} says (partitions and retention of the record topics, replication of all), and gives the
 * internal ones what they need: compaction for the state, a retention as long as the service keeps content for the
 * content references, and {@code min.insync.replicas} 2 where there are three replicas. Existing topics are left
 * exactly as they are. Where the principal may not create topics, the collector waits for them, saying once per
 * attempt which topics are missing and the settings each needs, and readiness says so too.
 */
public class KafkaTopics extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long TIMEOUT_SECONDS = 60;
    /** Content references older than the service's retention point at content it no longer has. */
    private static final Duration CONTENT_REFS_RETENTION = Duration.ofDays(8);
    private static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);

    /** A topic the collector needs: internal ones are the collector's own, record topics belong to Event Manager. */
    private record Wanted(String name, Optional<Integer> partitions, boolean internal, Map<String, String> configs) {
        String describe(short replication) {
            Map<String, String> all = new TreeMap<>(configs);
            if (internal && replication > 1) {
                all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInSync(replication)));
            }
            return name + " (" + partitions.map(p -> p + " partition" + (p == 1 ? "" : "s")).orElse("any partitions")
                    + (all.isEmpty() ? "" : ", " + all.toString().replaceAll("[{}]", "")) + ")";
        }
    }

    private final KafkaClientSettings kafka;
    private final TopicSettings settings;
    private final List<Wanted> wanted = new ArrayList<>();
    /** a record topic's settings: retention, room for the longest record; partitions as set, or the broker's */
    private final Map<String, String> recordConfigs = new HashMap<>();
    private final Optional<Integer> recordPartitions;
    private volatile String problem = "not started yet";

    /** @param tenants every tenant's settings (the state, dead-letter and content-refs topics are the same in each) */
    public KafkaTopics(List<CollectorSettings> tenants, KafkaClientSettings kafka) {
        CollectorSettings first = tenants.get(0);
        this.kafka = kafka;
        this.settings = first.topics();
        if (settings.retention() != null) {
            recordConfigs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(settings.retention().toMillis()));
        }
        // room for the longest record O365_MAX_RECORD_BYTES lets through
        recordConfigs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(first.limits().maxMessageBytes()));
        this.recordPartitions = settings.partitions() > 0 ? Optional.of(settings.partitions()) : Optional.empty();
        Set<String> names = new HashSet<>();
        add(names, new Wanted(first.stateTopic(), Optional.of(1), true,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        add(names, new Wanted(first.deadLetterTopic(), recordPartitions, true,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(DEAD_LETTER_RETENTION.toMillis()))));
        // the listing leaders' work for every instance's fetchers, all tenants': as many partitions as fetchers can
        // share it
        add(names, new Wanted(first.contentRefsTopic(), Optional.of(first.contentRefsPartitions()), true,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(CONTENT_REFS_RETENTION.toMillis()))));
        for (CollectorSettings tenant : tenants) {
            recordTopics(tenant).forEach(topic -> add(names, topic));
        }
    }

    private List<Wanted> recordTopics(CollectorSettings tenant) {
        // and the topics of the routing rules, which take records of any content type
        return java.util.stream.Stream.concat(tenant.contentTypes().stream().map(tenant::topicFor),
                        tenant.routingRules().topics().stream()).distinct()
                .map(name -> new Wanted(name, recordPartitions, false, recordConfigs)).toList();
    }

    /**
     * Creates the record topics of a tenant added while the collector runs, those that are missing, as at startup.
     *
     * @throws IllegalStateException saying why, when Kafka is not usable or refuses to create them
     */
    public void ensure(CollectorSettings tenant) throws InterruptedException {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
            createMissing(admin, recordTopics(tenant), existing, brokers);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new IllegalStateException("Kafka at " + kafka.brokers() + " is not usable: " + whyNot(e), e);
        }
    }

    private void add(Set<String> names, Wanted topic) {
        // tenants sharing a topic per content type ask for it once
        if (names.add(topic.name())) {
            wanted.add(topic);
        }
    }

    /** Why the topics are not ready yet (Kafka not usable, topics missing that may not be created), or null. */
    public String problem() {
        return problem;
    }

    @Override
    protected void doStart() throws Exception {
        // Kafka may come later than the collector (a cluster starting beside it), or be misconfigured: wait for it,
        // one line per attempt saying why, while the management port answers live and not ready
        LOG.info("Kafka at {} ({})", kafka.brokers(), kafka.describe());
        long delaySeconds = 2;
        while (true) {
            try (Admin admin = admin()) {
                try {
                    Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
                    createMissing(admin, wanted, existing, brokers);
                    problem = null;
                    return;
                } catch (MissingTopicsException e) {
                    problem = e.getMessage();
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    problem = "Kafka at " + kafka.brokers() + " (" + kafka.describe() + ") is not usable yet: "
                            + whyNot(e);
                }
            }
            // the client is closed while waiting: it would keep reconnecting meanwhile
            LOG.warn("{}; trying again in {} s", problem, delaySeconds);
            TimeUnit.SECONDS.sleep(delaySeconds);
            delaySeconds = Math.min(delaySeconds * 2, 30);
        }
    }

    private Admin admin() {
        return Admin.create(kafka.admin(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-topics",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000)));
    }

    /** The client's own words, except for its timeout, which says nothing of why. */
    private static String whyNot(Exception failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "no broker answered within 15 s (not running, not reachable from here, or not a Kafka port)";
            }
        }
        return FailureReason.of(failure);
    }

    private void createMissing(Admin admin, List<Wanted> wanted, Set<String> existing, int brokers)
            throws InterruptedException, TimeoutException {
        List<Wanted> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        short internalReplication = internalReplication(brokers);
        Map<String, NewTopic> requests = new LinkedHashMap<>();
        for (Wanted topic : missing) {
            requests.put(topic.name(), newTopic(topic, internalReplication));
        }
        List<String> refused = new ArrayList<>();
        String reason = null;
        for (var entry : admin.createTopics(requests.values()).values().entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Created topic {}", describe(requests.get(entry.getKey())));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TopicExistsException) {
                    continue;
                }
                if (cause instanceof AuthorizationException || cause instanceof PolicyViolationException) {
                    Wanted topic = missing.stream().filter(t -> t.name().equals(entry.getKey())).findFirst()
                            .orElseThrow();
                    refused.add(topic.describe(internalReplication));
                    reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                    continue;
                }
                throw new StateStoreException("could not create topic " + entry.getKey() + ": " + cause.getMessage(),
                        cause);
            }
        }
        if (!refused.isEmpty()) {
            throw new MissingTopicsException(refused, reason);
        }
    }

    /** The internal topics' replication: as set, else 3 where the cluster has three brokers (1 on a single one). */
    private short internalReplication(int brokers) {
        return (short) (settings.replicationFactor() > 0 ? settings.replicationFactor()
                : Math.min(3, Math.max(1, brokers)));
    }

    /** The name of every topic the collector needs (the setup check's list). */
    public List<String> names() {
        return wanted.stream().map(Wanted::name).toList();
    }

    /** The topics missing from {@code existing}, as the collector would create them on a cluster of that size. */
    public List<NewTopic> missing(Set<String> existing, int brokers) {
        short internalReplication = internalReplication(brokers);
        return wanted.stream().filter(t -> !existing.contains(t.name()))
                .map(t -> newTopic(t, internalReplication)).toList();
    }

    private NewTopic newTopic(Wanted topic, short internalReplication) {
        Optional<Short> replication = topic.internal() ? Optional.of(internalReplication)
                : settings.replicationFactor() > 0 ? Optional.of((short) settings.replicationFactor()) : Optional.empty();
        Map<String, String> configs = new HashMap<>(topic.configs());
        if (topic.internal() && internalReplication > 1) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInSync(internalReplication)));
        }
        return new NewTopic(topic.name(), topic.partitions(), replication).configs(configs);
    }

    /** "name (3 partitions, replication 3, retention.ms=…)": the settings it is created with. */
    public static String describe(NewTopic topic) {
        return topic.name() + " (" + (topic.numPartitions() < 0 ? "the broker's partitions" : topic.numPartitions()
                + (topic.numPartitions() == 1 ? " partition" : " partitions")) + ", " + (topic.replicationFactor() < 0 ? "the broker's replication"
                : "replication " + topic.replicationFactor()) + (topic.configs().isEmpty() ? ""
                : ", " + new TreeMap<>(topic.configs()).toString().replaceAll("[{}]", "")) + ")";
    }

    /** Two of three replicas acknowledge every write; with two replicas, one (else the topic stops with a broker). */
    private static int minInSync(short replication) {
        return replication >= 3 ? 2 : 1;
    }

    /** Topics are missing and the principal may not create them: someone must, or allow it. */
    static class MissingTopicsException extends RuntimeException {
        MissingTopicsException(List<String> topics, String reason) {
            super("Kafka topics missing: " + String.join(", ", topics) + "; Kafka refused to create them (" + reason
                    + "): create them with these settings, or let the collector's principal create topics");
        }
    }
}
