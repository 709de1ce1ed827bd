package io.github.o365auditcamel.listing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.o365auditcamel.routes.ExchangeVariables;
import io.github.o365auditcamel.state.TenantState;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each tenant's share of the content-refs topic, which every tenant's fetchers take from in order, small: a
 * tenant's listing hands on a blob only while fewer than {@code o365.pending-blobs-per-tenant} of its blobs are listed
 * and not yet handled. Without it, a tenant catching up a week of backlog would queue thousands of blobs ahead of every
 * other tenant's new ones, and a tenant that is throttled or slow would hold the fetchers with all of them. The
 * listing stops instead ({@link ListingDeferred}), holding no thread, and goes on from where it stopped once the
 * tenant's blobs are handled (published, dead-lettered or skipped: each fate leaves its marker in the state topic).
 * <p>
 * Counted by the listing leader of the tenant, in memory, once Kafka has acknowledged the reference: after a restart
 * or a change of leader the count starts again from nothing, and a blob listed twice counts once.
 */
public class PendingBlobs {

    private static final Logger LOG = LoggerFactory.getLogger("o365.progress");
    private static final long SAY_EVERY_NANOS = 60_000_000_000L;

    private final int limit;
    private final Function<String, TenantState> states;
    private final Map<String, Set<String>> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSaid = new ConcurrentHashMap<>();

    /**
     * @param limit the most blobs of one tenant listed and not yet handled
     * @param states each tenant's state, by tenant name
     */
    public PendingBlobs(int limit, Function<String, TenantState> states) {
        this.limit = limit;
        this.states = states;
    }

    /**
     * Whether to hand the listed blob (a listing entry, as it will be enqueued) to the fetchers: false for one handled
     * already (published, dead-lettered or skipped: listed again in the overlap), and for one this instance enqueued
     * already and the fetchers have not handled yet (listed again after a stop, or in the overlap).
     *
     * @throws ListingDeferred when the tenant has no room for one more: the listing stops here, to go on later
     */
    public boolean admit(String tenant, Map<String, Object> reference, Exchange exchange) {
        String contentId = contentId(reference);
        if (contentId == null) {
            // an entry without a usable contentId is dead-lettered under an id of its own making: not counted
            return true;
        }
        TenantState state = states.apply(tenant);
        if (state.knownPublished(contentId)) {
            // listed again (the overlap) and handled already: its fate is decided, nothing to hand on. One handled
            // too recently for this instance to know is handed on, and the fetcher passes over it without a GET
            return false;
        }
        Set<String> blobs = blobs(tenant);
        if (blobs.contains(contentId)) {
            return false;
        }
        if (!hasRoom(tenant)) {
            long now = System.nanoTime();
            Long said = lastSaid.get(tenant);
            if (said == null || now - said > SAY_EVERY_NANOS) {
                // once a minute at most, however often the listing stops
                LOG.info("{}: {} listed blobs of the tenant wait for the fetchers (O365_PENDING_BLOBS_PER_TENANT);"
                        + " the listing goes on as they are handled",
                        exchange.getVariable(ExchangeVariables.LABEL, tenant, String.class), blobs.size());
                lastSaid.put(tenant, now);
            }
            throw new ListingDeferred(blobs.size() + " listed blobs of tenant " + tenant + " wait for the fetchers");
        }
        return true;
    }

    /** Counts a blob Kafka has acknowledged on the content-refs topic, until the fetchers have handled it. */
    public void enqueued(String tenant, Map<String, Object> reference) {
        String contentId = contentId(reference);
        if (contentId != null && !states.apply(tenant).knownPublished(contentId)) {
            blobs(tenant).add(contentId);
        }
    }

    /** Whether the tenant may hand the fetchers one more blob: fewer than the limit listed and not yet handled. */
    public boolean hasRoom(String tenant) {
        Set<String> blobs = blobs(tenant);
        if (blobs.size() < limit) {
            return true;
        }
        blobs.removeIf(states.apply(tenant)::knownPublished);
        return blobs.size() < limit;
    }

    /** How many of the tenant's blobs this instance listed and has not yet seen handled. */
    public int pending(String tenant) {
        Set<String> blobs = pending.get(tenant);
        return blobs == null ? 0 : blobs.size();
    }

    private Set<String> blobs(String tenant) {
        return pending.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet());
    }

    private static String contentId(Map<String, Object> reference) {
        Object served = reference == null ? null : reference.get("contentId");
        return served instanceof String contentId && !contentId.isBlank() ? contentId : null;
    }
}
