package io.github.o365auditcamel.publish;

import java.util.Map;

import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The content reference a blob was taken from, when it came from the content-refs topic: its offset joins the
 * blob's transaction, so the reference counts as consumed exactly when the blob counts as handled.
 */
record ConsumedRef(TopicPartition partition, long offset, Consumer<?, ?> consumer) {
    static final ConsumedRef NONE = new ConsumedRef(null, -1, null);

    static ConsumedRef of(Exchange exchange) {
        Object commit = exchange.getVariable(ExchangeVariables.CONSUMED_REF);
        if (commit instanceof DefaultKafkaManualCommit manual) {
            return new ConsumedRef(manual.getPartition(), manual.getRecordOffset(),
                    manual.getCamelExchangePayload().consumer);
        }
        return NONE;
    }

    /** The producer to publish with: its partition's, or the spare one for a blob from no reference. */
    String slot() {
        return partition == null ? TransactionalProducers.RETRY_SLOT
                : TransactionalProducers.refsSlot(partition.partition());
    }

    /** Runs on the consumer's own thread: the fetch route is synchronous, from poll to commit. */
    void addTo(KafkaProducer<String, byte[]> producer) {
        if (consumer != null) {
            producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(offset + 1)),
                    consumer.groupMetadata());
        }
    }
}
