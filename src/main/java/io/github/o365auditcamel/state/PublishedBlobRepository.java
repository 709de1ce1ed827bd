package io.github.o365auditcamel.state;

import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The set of published blobs, as the repository of Camel's Idempotent Consumer EIP: the fetch route skips a blob
 * whose contentId is in it. The durable entry is the marker that {@code BlobPublisher} commits in the same Kafka
 * transaction as the blob's records; {@link #add} only confirms it in memory, with the blob's {@code contentCreated}
 * (exchange variable {@value #CONTENT_CREATED_VARIABLE}) so that entries older than the retention can be dropped.
 */
public class PublishedBlobRepository extends ServiceSupport implements IdempotentRepository {

    public static final String CONTENT_CREATED_VARIABLE = "contentCreated";

    private final KafkaStateStore store;

    public PublishedBlobRepository(KafkaStateStore store) {
        this.store = store;
    }

    @Override
    public boolean add(String key) {
        return add(null, key);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        if (store.isPublished(key)) {
            return false;
        }
        store.rememberPublished(key, contentCreated(exchange));
        return true;
    }

    @Override
    public boolean contains(String key) {
        return store.isPublished(key);
    }

    @Override
    public boolean remove(String key) {
        // only the memory: a marker in Kafka exists only if the blob's transaction committed
        return store.forgetPublished(key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("the published-blob set is only pruned by age");
    }

    private static Instant contentCreated(Exchange exchange) {
        if (exchange == null) {
            return null;
        }
        Object value = exchange.getVariable(CONTENT_CREATED_VARIABLE);
        return value == null ? null : Instant.parse(value.toString());
    }
}
