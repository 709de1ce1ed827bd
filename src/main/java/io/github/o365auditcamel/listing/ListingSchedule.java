package io.github.o365auditcamel.listing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.github.o365auditcamel.api.SubscriptionStartWaits;
import io.github.o365auditcamel.config.CollectorSettings;
import org.apache.camel.StaticService;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each tenant's work is due: first the start of its subscriptions, then a listing of each of its content types
 * every poll interval, on the tenants this instance is the listing leader of. The routes of
 * {@code routes/list-content.camel.yaml} ask it on a short timer ({@link #takeDue()}) and run what is due on a fixed
 * pool of threads ({@code o365.listing-threads}): a tenant is an entry in this table, not a timer, a thread or a route.
 * <p>
 * A content type's listing never runs twice at once. The next one is due a poll interval after the last one started
 * (after at once when it ran late). A listing that stopped because its tenant has enough blobs waiting for the
 * fetchers ({@link ListingDeferred}) is due again as soon as the tenant has room, and goes on from the page it stopped
 * at; it holds no thread meanwhile. A listing stopped by a fatal answer stays stopped until {@link #resumeListing} or a
 * restart. Added to the Camel context as its one service of the kind, so that JMX and Hawtio show it
 * ({@code type=services,name=ListingSchedule}) with the operation {@link #resumeListing}.
 */
@ManagedResource(description = "When each tenant's subscriptions are started and its content types listed")
public class ListingSchedule extends ServiceSupport implements StaticService {

    private static final Logger LOG = LoggerFactory.getLogger("o365.progress");

    /** One piece of a tenant's work: the start of its subscriptions (no content type), or one content type's listing. */
    public record Task(String tenant, String contentType) {

        /** Whether this is the start of the tenant's subscriptions rather than a listing. */
        public boolean startsSubscriptions() {
            return contentType == null;
        }
    }

    private enum State {
        /** the tenant's subscriptions are not started yet */
        WAITING,
        /** due at {@code dueAt} */
        IDLE,
        RUNNING,
        /** waits for room among its tenant's pending blobs */
        DEFERRED,
        /** stopped by a fatal answer, until resumed */
        STOPPED
    }

    private static final class Listing {
        private final Task task;
        private final long intervalNanos;
        private State state = State.WAITING;
        private long dueAt;
        private long startedAt;

        private Listing(Task task, long intervalNanos) {
            this.task = task;
            this.intervalNanos = intervalNanos;
        }
    }

    private final Map<String, List<Listing>> listingsByTenant = new LinkedHashMap<>();
    /**
     * tasks handed out of tenants removed (or replaced) since, not yet finished: they count no more when they finish,
     * and touch no task of the tenant as configured now (a task of each kind runs once at a time, so one of these
     * finishing is the one removed)
     */
    private final Map<Task, Integer> orphaned = new HashMap<>();
    private final Map<String, Listing> listings = new LinkedHashMap<>();
    /** tenants whose subscriptions are still to start (insertion order: the order they are configured in) */
    private final Map<String, Boolean> subscriptionsToStart = new LinkedHashMap<>();
    /** tasks handed out and not yet finished or returned, at most {@link #mostRunning} */
    private int running;
    private final int mostRunning;
    /** subscription starts handed out and not yet done: at most half of {@link #mostRunning} */
    private int starting;
    private final Predicate<String> isLeader;
    private final Predicate<String> hasRoom;
    private final Runnable catchUp;
    private final LongSupplier nanoTime;

    /**
     * @param tenants every tenant's settings
     * @param isLeader whether this instance lists the tenant (by name) at the moment
     * @param hasRoom whether the tenant (by name) may hand the fetchers more blobs ({@link PendingBlobs#hasRoom})
     * @param catchUp reads what the fetchers wrote to the state topic since, before deferred listings are looked at
     * @param nanoTime the clock
     * @param mostRunning the most tasks handed out and not yet done (a few per listing thread): what is due waits
     *        here rather than in the threads' queue, so that subscription starts come first and then the listings
     *        longest overdue, even when the threads cannot keep up
     */
    public ListingSchedule(List<CollectorSettings> tenants, Predicate<String> isLeader, Predicate<String> hasRoom,
            Runnable catchUp, LongSupplier nanoTime, int mostRunning) {
        this.mostRunning = mostRunning;
        this.isLeader = isLeader;
        this.hasRoom = hasRoom;
        this.catchUp = catchUp;
        this.nanoTime = nanoTime;
        tenants.forEach(this::add);
    }

    /**
     * A tenant to schedule: its subscriptions are started, then its content types listed. A tenant of the same name is
     * replaced (its settings changed): its running tasks finish, and count no more.
     */
    public synchronized void add(CollectorSettings tenant) {
        String name = tenant.tenantName();
        remove(name);
        subscriptionsToStart.put(name, Boolean.TRUE);
        List<Listing> own = new ArrayList<>();
        for (String contentType : tenant.contentTypes()) {
            Listing listing = new Listing(new Task(name, contentType), tenant.pollInterval().toNanos());
            own.add(listing);
            listings.put(key(name, contentType), listing);
        }
        listingsByTenant.put(name, own);
    }

    /**
     * A tenant no longer collected: nothing of it is due any more. A task of it that runs meanwhile finishes (what it
     * lists reaches the fetchers, which set the references of a tenant no longer configured aside).
     */
    public synchronized void remove(String tenant) {
        Boolean toStart = subscriptionsToStart.remove(tenant);
        List<Listing> own = listingsByTenant.remove(tenant);
        if (own == null) {
            return;
        }
        // its subscription start is handed out: not to start any more, and its listings not begun
        if (Boolean.FALSE.equals(toStart) && own.stream().allMatch(l -> l.state == State.WAITING)) {
            orphaned.merge(new Task(tenant, null), 1, Integer::sum);
        }
        for (Listing listing : own) {
            listings.remove(key(tenant, listing.task.contentType()));
            if (listing.state == State.RUNNING) {
                orphaned.merge(listing.task, 1, Integer::sum);
            }
        }
    }

    /** Whether the task is one of a tenant removed while it ran (and takes it off that list). */
    private boolean wasOrphaned(Task task) {
        Integer count = orphaned.get(task);
        if (count == null) {
            return false;
        }
        if (count == 1) {
            orphaned.remove(task);
        } else {
            orphaned.put(task, count - 1);
        }
        return true;
    }

    /**
     * The work due now, marked as running: every tenant's subscription start (on every instance, once), and the
     * listings due of the tenants this instance leads. Each task must be handed back to {@link #finished}.
     */
    public synchronized List<Task> takeDue() {
        List<Task> due = new ArrayList<>();
        int room = mostRunning - running;
        // subscription starts first, but in at most half of the room: the tenants started already list meanwhile
        for (Map.Entry<String, Boolean> tenant : subscriptionsToStart.entrySet()) {
            if (due.size() >= room || starting >= Math.max(1, mostRunning / 2)) {
                break;
            }
            if (tenant.getValue()) {
                tenant.setValue(Boolean.FALSE);
                starting++;
                due.add(new Task(tenant.getKey(), null));
            }
        }
        long now = nanoTime.getAsLong();
        boolean caughtUp = false;
        List<Listing> candidates = new ArrayList<>();
        for (Map.Entry<String, List<Listing>> tenant : listingsByTenant.entrySet()) {
            if (!isLeader.test(tenant.getKey())) {
                continue;
            }
            for (Listing listing : tenant.getValue()) {
                boolean take = switch (listing.state) {
                    case IDLE -> now - listing.dueAt >= 0;
                    case DEFERRED -> {
                        if (!caughtUp) {
                            catchUp.run();
                            caughtUp = true;
                        }
                        yield hasRoom.test(tenant.getKey());
                    }
                    default -> false;
                };
                if (take) {
                    candidates.add(listing);
                }
            }
        }
        // the longest overdue first: when the threads cannot keep up, every listing still gets its turn
        candidates.sort((x, y) -> Long.compare(x.dueAt - now, y.dueAt - now));
        for (Listing listing : candidates) {
            if (due.size() >= room) {
                break;
            }
            listing.state = State.RUNNING;
            listing.startedAt = now;
            due.add(listing.task);
        }
        return handOut(due);
    }

    private List<Task> handOut(List<Task> due) {
        running += due.size();
        return due;
    }

    /** A task taken from {@link #takeDue} that could not be run: due again at once. */
    public synchronized void returned(Task task) {
        running--;
        if (task.startsSubscriptions()) {
            starting--;
            if (!wasOrphaned(task)) {
                subscriptionsToStart.put(task.tenant(), Boolean.TRUE);
            }
            return;
        }
        if (wasOrphaned(task)) {
            return;
        }
        Listing listing = listing(task.tenant(), task.contentType());
        if (listing.state == State.RUNNING) {
            listing.state = State.IDLE;
            listing.dueAt = nanoTime.getAsLong();
        }
    }

    /** A task taken from {@link #takeDue} is done, however it ended. */
    public synchronized void finished(Task task) {
        long now = nanoTime.getAsLong();
        running--;
        if (task.startsSubscriptions()) {
            starting--;
            if (wasOrphaned(task)) {
                return;
            }
            // the tenant's listings are polled once its subscriptions are started (or failed to: its polls say why)
            for (Listing listing : listingsByTenant.get(task.tenant())) {
                if (listing.state == State.WAITING) {
                    listing.state = State.IDLE;
                    listing.dueAt = now;
                }
            }
            return;
        }
        if (wasOrphaned(task)) {
            return;
        }
        Listing listing = listing(task.tenant(), task.contentType());
        if (listing.state == State.RUNNING) {
            listing.state = State.IDLE;
            listing.dueAt = listing.startedAt + listing.intervalNanos;
        }
    }

    /** The running listing stopped for its tenant's pending blobs: it is due again when the tenant has room. */
    public synchronized void deferred(String tenant, String contentType) {
        Listing listing = listings.get(key(tenant, contentType));
        if (listing != null && listing.state == State.RUNNING) {
            listing.state = State.DEFERRED;
            // waiting since now, for the order among listings due
            listing.dueAt = nanoTime.getAsLong();
        }
    }

    /**
     * The running listing stopped because its subscription's start has to wait ({@link SubscriptionStartWaits}, found
     * in the failure): it is due again when the start may be sent, not at its next poll interval.
     */
    public synchronized void postpone(String tenant, String contentType, Throwable failure) {
        SubscriptionStartWaits waits = SubscriptionStartWaits.in(failure);
        Listing listing = listings.get(key(tenant, contentType));
        if (waits != null && listing != null && listing.state == State.RUNNING) {
            listing.state = State.IDLE;
            listing.dueAt = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(waits.millisUntilDue());
        }
    }

    /** A fatal answer: the content type is not listed again until {@link #resumeListing} or a restart. */
    public synchronized void stop(String tenant, String contentType) {
        Listing listing = listings.get(key(tenant, contentType));
        // (a tenant removed meanwhile has nothing to stop)
        if (listing != null && listing.state == State.RUNNING) {
            listing.state = State.STOPPED;
        }
    }

    /**
     * Lists a content type stopped by a fatal answer again, at once, after its cause is fixed (JMX, Hawtio). Returns
     * what was done, for the operator.
     */
    @ManagedOperation(description = "Lists a content type stopped by a fatal answer again (tenant: default, or its name)")
    public synchronized String resumeListing(String tenant, String contentType) {
        Listing listing = listings.get(key(tenant, contentType));
        if (listing == null) {
            return "no tenant " + tenant + " with content type " + contentType;
        }
        if (listing.state != State.STOPPED) {
            return tenant + " " + contentType + " is not stopped";
        }
        listing.state = State.IDLE;
        listing.dueAt = nanoTime.getAsLong();
        LOG.info("{} {}: listing resumed", tenant, contentType);
        return tenant + " " + contentType + " resumed";
    }

    /** Whether this instance lists the tenant (by name) now: it leads the tenant's shard, its subscriptions started. */
    public boolean lists(String tenant) {
        if (!isLeader.test(tenant)) {
            return false;
        }
        synchronized (this) {
            List<Listing> own = listingsByTenant.get(tenant);
            return own != null && own.stream().anyMatch(l -> l.state != State.WAITING);
        }
    }

    /** The listings stopped by a fatal answer, as {@code tenant content-type}. */
    @ManagedAttribute(description = "The listings stopped by a fatal answer")
    public synchronized List<String> getStoppedListings() {
        return listings.values().stream().filter(l -> l.state == State.STOPPED)
                .map(l -> l.task.tenant() + " " + l.task.contentType()).toList();
    }

    /** Whether the content type's listing is stopped by a fatal answer. */
    public synchronized boolean isStopped(String tenant, String contentType) {
        Listing listing = listings.get(key(tenant, contentType));
        return listing != null && listing.state == State.STOPPED;
    }

    private Listing listing(String tenant, String contentType) {
        Listing listing = listings.get(key(tenant, contentType));
        if (listing == null) {
            throw new IllegalArgumentException("no listing of tenant '" + tenant + "', content type '" + contentType
                    + "'");
        }
        return listing;
    }

    private static String key(String tenant, String contentType) {
        return tenant + '\u0000' + contentType;
    }
}
