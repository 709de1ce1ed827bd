package io.github.o365auditcamel.history;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.github.o365auditcamel.kafka.ConsumerPositions;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.state.Gap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The ids of a gap's records that were published before the stop: read back from the record topics, by Kafka
 * timestamp from just before the gap's start to {@link Gap#publishedBefore()}, keeping those of the tenant
 * ({@code o365.tenantId}) whose {@code o365.creationTime} lies in the gap. That stretch is short (the hours before the
 * stop), whatever the length of the gap: the records published after the restart that lie in the gap were left to
 * Graph ({@link Gap#owner}). A consumer of its own, made for the read and closed after it; no group, no commits.
 */
public final class PublishedRecordIds {

    /** Records are published after they are created; this allows for clocks that disagree. */
    static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(10);

    private PublishedRecordIds() {
    }

    /** The ids of the tenant's records of the gap in the topics, published before {@code gap.publishedBefore()}. */
    public static Set<String> of(KafkaClientSettings kafka, List<String> topics, String tenantId, Gap gap) {
        Predicate<String> inGap = Gap.owner(List.of(gap));
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-gap-reader")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> end = new HashMap<>();
            Map<TopicPartition, Long> start = new HashMap<>();
            for (String topic : topics) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                Map<TopicPartition, Long> fromTimes = new HashMap<>();
                Map<TopicPartition, Long> toTimes = new HashMap<>();
                long from = gap.from().minus(CLOCK_SKEW).toEpochMilli();
                long to = gap.publishedBefore().toEpochMilli();
                partitions.forEach(tp -> {
                    fromTimes.put(tp, from);
                    toTimes.put(tp, to);
                });
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Map<TopicPartition, OffsetAndTimestamp> first = consumer.offsetsForTimes(fromTimes);
                Map<TopicPartition, OffsetAndTimestamp> last = consumer.offsetsForTimes(toTimes);
                for (TopicPartition tp : partitions) {
                    OffsetAndTimestamp f = first.get(tp);
                    OffsetAndTimestamp l = last.get(tp);
                    long startOffset = f == null ? ends.get(tp) : f.offset();
                    long endOffset = l == null ? ends.get(tp) : l.offset();
                    if (startOffset < endOffset) {
                        start.put(tp, startOffset);
                        end.put(tp, endOffset);
                    }
                }
            }
            if (end.isEmpty()) {
                return ids;
            }
            consumer.assign(end.keySet());
            start.forEach(consumer::seek);
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            while (!ConsumerPositions.reached(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new GraphQueryException("reading back the records published before the gap took longer than "
                            + READ_TIMEOUT.toMinutes() + " minutes", -1);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    Long stop = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (record.offset() >= stop || record.key() == null) {
                        continue;
                    }
                    Header owner = record.headers().lastHeader("o365.tenantId");
                    Header created = record.headers().lastHeader("o365.creationTime");
                    if (owner != null && java.util.Arrays.equals(owner.value(), tenant) && created != null
                            && inGap.test(new String(created.value(), StandardCharsets.UTF_8))) {
                        ids.add(record.key());
                    }
                }
            }
        }
        return ids;
    }
}
