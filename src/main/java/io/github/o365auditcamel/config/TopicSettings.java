package io.github.o365auditcamel.config;

import java.time.Duration;

/**
 * How the collector creates the topics that are missing at startup (existing ones are left as they are):
 * {@code o365.topic-partitions} and {@code o365.topic-retention} for the record topics, and
 * {@code o365.topic-replication-factor} for every topic it creates. Zero (or null) leaves a value to the broker's
 * defaults; the internal topics' replication then follows the cluster's size (three brokers or more: 3).
 */
public record TopicSettings(int partitions, int replicationFactor, Duration retention) {

    /** The broker's defaults for all three. */
    public static final TopicSettings BROKER_DEFAULTS = new TopicSettings(0, 0, null);
}
