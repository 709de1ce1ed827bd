package io.github.o365auditcamel.state;

import java.time.Instant;
import java.util.function.Function;

import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The set of published blobs, as the repository of Camel's Idempotent Consumer EIP: the fetch route skips a blob
 * whose key, {@code <tenant>|<contentId>}, is in it (each tenant's set lives in its own state). The durable entry is the marker that {@code BlobPublisher} commits in the same Kafka
 * transaction as the blob's records; {@link #add} only confirms it in memory, with the blob's {@code contentCreated}
 * (exchange variable {@value ExchangeVariables#CONTENT_CREATED}) so that entries older than the retention can be
 * dropped.
 */
public class PublishedBlobRepository extends ServiceSupport implements IdempotentRepository {

    private final Function<String, TenantState> stores;

    /** @param stores each tenant's state, by tenant name */
    public PublishedBlobRepository(Function<String, TenantState> stores) {
        this.stores = stores;
    }

    /** The key of a tenant's blob: {@code <tenant>|<contentId>}. */
    public static String key(String tenant, String contentId) {
        return tenant + "|" + contentId;
    }

    @Override
    public boolean add(String key) {
        return add(null, key);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        Blob blob = ofKey(key);
        // called once the blob is handled: its state was read when the fetch began ({@link #contains}), and the
        // publisher remembered its own commit, so memory answers without another round trip to Kafka
        if (blob.store().knownPublished(blob.contentId())) {
            return false;
        }
        blob.store().rememberPublished(blob.contentId(), contentCreated(exchange));
        return true;
    }

    @Override
    public boolean contains(String key) {
        Blob blob = ofKey(key);
        return blob.store().isPublished(blob.contentId());
    }

    @Override
    public boolean remove(String key) {
        // only the memory: a marker in Kafka exists only if the blob's transaction committed
        Blob blob = ofKey(key);
        return blob.store().forgetPublished(blob.contentId());
    }

    private record Blob(TenantState store, String contentId) {
    }

    private Blob ofKey(String key) {
        int bar = key.indexOf('|');
        if (bar <= 0) {
            throw new IllegalArgumentException("not a <tenant>|<contentId> key: " + key);
        }
        return new Blob(stores.apply(key.substring(0, bar)), key.substring(bar + 1));
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
        Object value = exchange.getVariable(ExchangeVariables.CONTENT_CREATED);
        return value == null ? null : Instant.parse(value.toString());
    }
}
