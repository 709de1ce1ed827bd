package io.github.o365auditcamel.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.progress.FailureReason;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, at startup, the topics the collector writes to when they are missing: the compacted state topic, the
 * content references each tenant's listing hands to the fetchers ({@code o365.content-refs-partitions} partitions),
 * and the record topic of each tenant's content types (with the broker's default partitions and replication), so that the
 * collector does not depend on the broker's auto-creation. Existing topics are left exactly as they are.
 */
public class KafkaTopics extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final KafkaClientSettings kafka;
    private final List<NewTopic> wanted = new ArrayList<>();

    /** @param tenants every tenant's settings (the state and dead-letter topics are the same in each) */
    public KafkaTopics(List<CollectorSettings> tenants, KafkaClientSettings kafka) {
        CollectorSettings first = tenants.get(0);
        this.kafka = kafka;
        Set<String> names = new java.util.HashSet<>();
        add(names, new NewTopic(first.stateTopic(), Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        add(names, new NewTopic(first.deadLetterTopic(), Optional.empty(), Optional.empty()));
        for (CollectorSettings settings : tenants) {
            // the listing leader's work for every instance's fetchers: as many partitions as fetchers can share it
            add(names, new NewTopic(settings.contentRefsTopic(), Optional.of(settings.contentRefsPartitions()),
                    Optional.empty()));
            for (String contentType : settings.contentTypes()) {
                add(names, new NewTopic(settings.topicFor(contentType), Optional.empty(), Optional.empty()));
            }
        }
    }

    private void add(Set<String> names, NewTopic topic) {
        // tenants sharing a topic per content type ask for it once
        if (names.add(topic.name())) {
            wanted.add(topic);
        }
    }

    @Override
    protected void doStart() throws Exception {
        // Kafka may come later than the collector (a cluster starting beside it), or be misconfigured: wait for it,
        // one line per attempt saying why, while the management port answers live and not ready
        LOG.info("Kafka at {} ({})", kafka.brokers(), kafka.describe());
        long delaySeconds = 2;
        while (true) {
            String problem;
            try (Admin admin = Admin.create(kafka.admin(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-topics",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000)))) {
                try {
                    Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    createMissing(admin, existing);
                    return;
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    problem = FailureReason.of(e);
                }
            }
            // the client is closed while waiting: it would keep reconnecting meanwhile
            LOG.warn("Kafka at {} ({}) is not usable yet: {}; trying again in {} s", kafka.brokers(),
                    kafka.describe(), problem, delaySeconds);
            TimeUnit.SECONDS.sleep(delaySeconds);
            delaySeconds = Math.min(delaySeconds * 2, 30);
        }
    }

    private void createMissing(Admin admin, Set<String> existing) throws InterruptedException, TimeoutException {
        List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new StateStoreException("could not create topic " + entry.getKey() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }
}
