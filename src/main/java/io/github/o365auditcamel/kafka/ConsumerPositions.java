package io.github.o365auditcamel.kafka;

import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Where a consumer that reads a stretch of partitions, rather than following them, has got to. */
public final class ConsumerPositions {

    private ConsumerPositions() {
    }

    /** Whether the consumer's position has reached {@code end} in every one of those partitions. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
