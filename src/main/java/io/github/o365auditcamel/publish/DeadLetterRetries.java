package io.github.o365auditcamel.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.github.o365auditcamel.fetch.ContentReferences;
import io.github.o365auditcamel.state.KafkaStateStore;
import io.github.o365auditcamel.state.PendingRetry;
import io.github.o365auditcamel.tenancy.Tenants;

/**
 * Fetches dead-lettered blobs again when their retry is due (route {@code retry-dead-letters}). Every blob
 * dead-lettered after a transient failure has its pending retry in the state topic, with its reference
 * ({@link PendingRetry}); every instance reads that topic anyway. The instance that lists a tenant hands each of its
 * due retries to the fetchers as a content reference that says it is a retry ({@code deadLetterCount}), on the one
 * content-refs topic: no consumer or thread per tenant, and a retry due later never holds up one due sooner.
 * <p>
 * A retry handed over twice (a new listing leader, or one not yet fetched {@value #HANDED_AGAIN_AFTER_MINUTES} minutes
 * later) is fetched once: the fetcher checks that it is still the blob's pending retry ({@link #isPending}), and the
 * retry's transaction clears it.
 */
public class DeadLetterRetries {

    static final long HANDED_AGAIN_AFTER_MINUTES = 10;
    private static final Duration HANDED_AGAIN_AFTER = Duration.ofMinutes(HANDED_AGAIN_AFTER_MINUTES);

    /**
     * A due retry for the fetchers: the content reference's key ({@code <tenant id>|<contentId>}) and value, and what
     * {@link #handed} takes once Kafka has it.
     */
    public record DueReference(String key, String retryKey, Map<String, Object> reference) {
    }

    private final KafkaStateStore state;
    private final Tenants tenants;
    private final Predicate<String> lists;
    private final Clock clock;
    /**
     * by reference key and retryAt (one pending retry: a blob dead-lettered or deferred again has a new one): when this
     * instance handed it to the fetchers
     */
    private final Map<String, Instant> handed = new ConcurrentHashMap<>();

    /**
     * @param lists whether this instance lists the tenant (by name) now, its subscriptions started
     */
    public DeadLetterRetries(KafkaStateStore state, Tenants tenants, Predicate<String> lists, Clock clock) {
        this.state = state;
        this.tenants = tenants;
        this.lists = lists;
        this.clock = clock;
    }

    /**
     * The retries due now of the tenants this instance lists, after reading what the other instances wrote to the
     * state topic since; each as the content reference to hand to the fetchers. A removed tenant's retries wait for it.
     */
    public List<DueReference> due() {
        state.catchUp();
        Instant now = clock.instant();
        handed.values().removeIf(at -> !at.plus(HANDED_AGAIN_AFTER).isAfter(now));
        List<DueReference> due = new ArrayList<>();
        for (KafkaStateStore.DueRetry retry : state.dueRetries(now)) {
            String tenant = tenants.nameOfTenantId(retry.tenantId());
            String key = ContentReferences.key(retry.tenantId(), retry.contentId());
            if (tenant == null || !lists.test(tenant) || handed.containsKey(handedKey(key, retry.retry()))
                    || !tenants.contentTypes(tenant).contains(retry.retry().contentType())) {
                continue;
            }
            PendingRetry pending = retry.retry();
            Map<String, Object> reference = new LinkedHashMap<>();
            reference.put("contentType", pending.contentType());
            reference.put("contentId", retry.contentId());
            reference.put("contentUri", pending.contentUri());
            reference.put("contentCreated", pending.contentCreated());
            reference.put(ContentReferences.LISTED_AS, pending.contentType());
            reference.put("deadLetterCount", pending.count());
            due.add(new DueReference(key, handedKey(key, pending), reference));
        }
        return due;
    }

    /** Kafka has the retry's reference ({@link DueReference#retryKey}): it is not handed over again for a while. */
    public void handed(String retryKey) {
        handed.put(retryKey, clock.instant());
    }

    private static String handedKey(String key, PendingRetry retry) {
        return key + '|' + retry.retryAt();
    }

    /** Whether the retry's reference (the body) is still its blob's pending retry: else it was fetched already. */
    public boolean isPending(String tenant, Map<String, Object> reference) {
        Object count = reference.get("deadLetterCount");
        Integer pending = tenants.get(tenant).stateStore().pendingRetry(String.valueOf(reference.get("contentId")));
        return pending != null && count instanceof Number n && pending == n.intValue();
    }
}
