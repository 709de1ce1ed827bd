package io.github.o365auditcamel.publish;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.ContentReferences;
import io.github.o365auditcamel.fetch.DeadLetterReason;
import io.github.o365auditcamel.progress.LogText;
import io.github.o365auditcamel.state.KafkaStateStore;
import io.github.o365auditcamel.state.PendingRetry;
import io.github.o365auditcamel.state.TenantState;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A content reference whose tenant this instance does not collect (one removed from {@code O365_TENANTS}, or not yet
 * added on this instance during a rolling change): the fetchers share one topic, so it cannot wait at its partition's
 * head for the tenant to come back. It is deferred instead, as a blob that failed transiently is: a dead letter with
 * reason code {@code unknown-tenant} and a retry due at once, the blob marked handled with its pending retry in the
 * tenant's state, and the reference's offset, all in one transaction.
 * When the tenant is configured again, its dead-letter retries fetch the blob; until then the letter says where it is.
 */
public class UnknownTenantReferences {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownTenantReferences.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CollectorSettings settings;
    private final TransactionalProducers producers;
    private final KafkaStateStore state;

    /** @param settings the deployment's settings (the dead-letter topic, the instance id) */
    public UnknownTenantReferences(CollectorSettings settings, TransactionalProducers producers,
            KafkaStateStore state) {
        this.settings = settings;
        this.producers = producers;
        this.state = state;
    }

    /**
     * Defers the reference in the exchange: body = its value as listed, header {@code kafka.KEY} =
     * {@code <tenant id>|<contentId>}; the variable {@code consumedRef} says which offset to commit.
     */
    public void defer(Exchange exchange) throws Exception {
        String key = exchange.getMessage().getHeader("kafka.KEY", String.class);
        String tenantId = String.valueOf(ContentReferences.tenantIdOfKey(key));
        String body = exchange.getMessage().getBody(String.class);
        Map<String, Object> reference = body == null ? Map.of()
                : JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
        String contentId = String.valueOf(reference.get("contentId"));
        String contentType = String.valueOf(reference.getOrDefault("listedAs", reference.get("contentType")));
        Instant created = BlobPublisher.instantOrNull(reference.get("contentCreated"));
        String reason = "no configured tenant has the tenant id " + tenantId + " (O365_TENANTS): fetched when that"
                + " tenant is collected again";
        Instant now = Instant.now();
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("tenant", null);
        letter.put("tenantId", tenantId);
        letter.put("contentType", contentType);
        letter.put("contentId", contentId);
        letter.put("contentUri", reference.get("contentUri"));
        letter.put("contentCreated", reference.get("contentCreated"));
        letter.put("reasonCode", DeadLetterReason.UNKNOWN_TENANT.code());
        letter.put("reason", reason);
        letter.put("failedAt", now.toString());
        letter.put("deadLetterCount", 1);
        letter.put("retryAt", now.toString());
        List<Header> headers = List.of(
                BlobPublisher.header("o365.contentType", contentType),
                BlobPublisher.header("o365.contentId", contentId),
                BlobPublisher.header("o365.tenantId", tenantId),
                BlobPublisher.header("o365.instanceId", settings.instanceId()),
                BlobPublisher.header("o365.reason", reason),
                BlobPublisher.header("o365.reasonCode", DeadLetterReason.UNKNOWN_TENANT.code()),
                BlobPublisher.header("o365.deadLetterCount", "1"),
                BlobPublisher.header("o365.retryAt", now.toString()));
        TenantState tenant = state.of(tenantId);
        PendingRetry retry = new PendingRetry(1, now, contentType, stringOrNull(reference.get("contentUri")),
                stringOrNull(reference.get("contentCreated")));
        // handled, as a blob dead-lettered after a transient failure is: the tenant's listing passes over it, and its
        // dead-letter retries fetch it once it is collected again
        producers.commit(ConsumedRef.of(exchange), List.of(
                new ProducerRecord<>(settings.deadLetterTopic(), null, contentId, JSON.writeValueAsBytes(letter),
                        headers),
                tenant.publishedMarker(contentId, created),
                tenant.retryMarker(contentId, retry)));
        tenant.rememberPublished(contentId, created);
        tenant.rememberRetry(contentId, retry);
        LOG.warn("{}: blob {} sent to dead-letter topic {}: {} ({})", LogText.safe(contentType),
                LogText.safe(contentId), settings.deadLetterTopic(), LogText.safe(reason),
                DeadLetterReason.UNKNOWN_TENANT.code());
    }

    private static String stringOrNull(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
