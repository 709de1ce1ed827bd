package io.github.o365auditcamel.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.o365auditcamel.config.CollectorSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

    private final String brokers;
    private final List<NewTopic> wanted = new ArrayList<>();

    /** @param tenants every tenant's settings (the state and dead-letter topics are the same in each) */
    public KafkaTopics(List<CollectorSettings> tenants) {
        CollectorSettings first = tenants.get(0);
        this.brokers = first.kafkaBrokers();
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
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing;
            try {
                existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new StateStoreException("Kafka at " + brokers + " did not answer within " + TIMEOUT_SECONDS
                        + " s (KAFKA_BROKERS)", e);
            }
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
}
