package io.github.o365auditcamel.listing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.o365auditcamel.routes.Stopping;
import io.github.o365auditcamel.state.TenantState;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each tenant's share of the content-refs topic, which every tenant's fetchers take from in order, small: a
 * tenant's listing hands on a blob only while fewer than {@code o365.pending-blobs-per-tenant} of its blobs are listed
 * and not yet handled. Without it, a tenant catching up a week of backlog would queue thousands of blobs ahead of every
 * other tenant's new ones, and a tenant that is throttled or slow would hold the fetchers with all of them. The
 * listing waits instead, on the tenant's own thread, and goes on as the tenant's blobs are handled (published,
 * dead-lettered or skipped: each fate leaves its marker in the state topic).
 * <p>
 * Counted by the listing leader of the tenant, in memory: after a restart or a change of leader the count starts
 * again from nothing, and a blob listed twice counts once.
 */
public class PendingBlobs {

    private static final Logger LOG = LoggerFactory.getLogger("o365.progress");
    private static final long RECHECK_MILLIS = 200;
    private static final long SAY_EVERY_NANOS = 60_000_000_000L;

    private final int limit;
    private final Function<String, TenantState> states;
    private final Runnable catchUp;
    private final Map<String, Set<String>> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSaid = new ConcurrentHashMap<>();

    /**
     * @param limit the most blobs of one tenant listed and not yet handled
     * @param states each tenant's state, by tenant name
     * @param catchUp reads what the fetchers of every instance wrote to the state topic since
     */
    public PendingBlobs(int limit, Function<String, TenantState> states, Runnable catchUp) {
        this.limit = limit;
        this.states = states;
        this.catchUp = catchUp;
    }

    /**
     * Waits until the tenant has room for one more blob, then counts this one (a listing entry, as it will be
     * enqueued). Ends with an exception when the route or the application stops meanwhile: the poll stops and its
     * checkpoint stays.
     */
    public void awaitRoom(String tenant, Map<String, Object> reference, Exchange exchange)
            throws InterruptedException {
        Object served = reference.get("contentId");
        if (!(served instanceof String contentId) || contentId.isBlank()) {
            // an entry without a usable contentId is dead-lettered under an id of its own making: not counted
            return;
        }
        TenantState state = states.apply(tenant);
        if (state.knownPublished(contentId)) {
            // listed again (the overlap): the fetcher passes over it at once
            return;
        }
        Set<String> blobs = pending.computeIfAbsent(tenant, t -> ConcurrentHashMap.newKeySet());
        while (blobs.size() >= limit && !blobs.contains(contentId)) {
            blobs.removeIf(state::knownPublished);
            if (blobs.size() < limit) {
                break;
            }
            long now = System.nanoTime();
            Long said = lastSaid.get(tenant);
            if (said == null || now - said > SAY_EVERY_NANOS) {
                // once a minute at most, however many blobs wait their turn
                LOG.info("{}: {} listed blobs of the tenant wait for the fetchers (O365_PENDING_BLOBS_PER_TENANT);"
                        + " the listing goes on as they are handled", exchange.getVariable("label", tenant,
                        String.class), blobs.size());
                lastSaid.put(tenant, now);
            }
            if (Stopping.of(exchange)) {
                throw new Stopping.CutShort("stopping while " + blobs.size() + " listed blobs of tenant " + tenant
                        + " wait for the fetchers");
            }
            Thread.sleep(RECHECK_MILLIS);
            catchUp.run();
        }
        blobs.add(contentId);
    }

    /** How many of the tenant's blobs this instance listed and has not yet seen handled. */
    public int pending(String tenant) {
        Set<String> blobs = pending.get(tenant);
        return blobs == null ? 0 : blobs.size();
    }
}
