package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.Blob;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.PoisonKind;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One tenant of the simulator (see {@link ManagementApiSimulator}): its app registration, content, subscriptions,
 * faults and counters. {@link ManagementApiSimulator#tenant(String)} gives it. Its methods are the simulator's
 * top-level methods that concern one tenant, and behave for this tenant exactly as those do for the primary one
 * (whose {@code SimulatedTenant} they delegate to). Thread-safe.
 *
 * <p>Microsoft Graph's audit log query API ({@link GraphRouter}) has its permission, faults and counters here only
 * (the {@code graph...} methods; {@code sim.tenant(sim.tenantId())} for the primary tenant): they are no part of
 * the Management API's {@link Faults} or counters.
 */
public final class SimulatedTenant {

    private static final int MAX_PAGE_TOKENS = 100_000;

    // ------------------------------------------------------------------ app registration and initial content
    private final String tenantId;
    private final String tenantDomain;
    private final String clientId;
    private final String clientSecret;
    private final List<X509Certificate> clientCertificates;
    final ClientAssertionVerifier assertionVerifier;
    private final List<String> contentTypes;
    private final int blobsPerContentType;
    private final int recordsPerBlob;
    private final Duration backlog;
    private final boolean subscriptionsInitiallyEnabled;
    final Duration subscriptionStartInterval;
    private final SimulatorSettings shared;
    /** Every tenant's tokens, of which {@link #revokeTokens()} revokes this tenant's. */
    private final IssuedTokens tokens;

    // ------------------------------------------------------------------ state, read and counted by the endpoints
    final TenantContent content;
    /** The tenant's audit log as Microsoft Graph's audit log queries see it. */
    final GraphAuditLog graph;
    final Random faultRandom;          // guarded by itself
    final ConcurrentHashMap<String, String> subscriptions = new ConcurrentHashMap<>(); // type -> enabled|disabled
    final ListingPages<StoredBlob> listings;
    final Set<String> withheldPermissions = ConcurrentHashMap.newKeySet();
    final PlannedBlobFailures plannedFailures = new PlannedBlobFailures();
    volatile Faults faults;

    final AtomicInteger listCalls = new AtomicInteger();
    final AtomicReference<Long> firstListingNanos = new AtomicReference<>();
    final Map<String, AtomicInteger> listCallsByType = new ConcurrentHashMap<>();
    final AtomicInteger tokenCalls = new AtomicInteger();
    final AtomicInteger certificateTokens = new AtomicInteger();
    final AtomicInteger startCalls = new AtomicInteger();
    /** When each {@code subscriptions/start} request arrived (the simulator's clock), refused ones included. */
    private final List<Instant> startRequests = new ArrayList<>(); // guarded by itself
    final AtomicInteger throttledCalls = new AtomicInteger();
    final AtomicInteger serverErrorCalls = new AtomicInteger();
    final AtomicInteger timeoutCalls = new AtomicInteger();
    final AtomicInteger droppedConnections = new AtomicInteger();
    private final AtomicInteger apiCalls = new AtomicInteger();
    private final List<Instant> apiRequestTimes = new ArrayList<>(); // guarded by itself

    SimulatedTenant(TenantSettings s, SimulatorSettings shared, ObjectMapper mapper, IssuedTokens tokens) {
        this.tenantId = s.tenantId();
        this.tenantDomain = s.tenantDomain();
        this.clientId = s.clientId();
        this.clientSecret = s.clientSecret();
        this.clientCertificates = List.copyOf(s.clientCertificates());
        this.assertionVerifier = new ClientAssertionVerifier(clientCertificates);
        this.contentTypes = List.copyOf(s.contentTypes());
        this.blobsPerContentType = s.blobsPerContentType();
        this.recordsPerBlob = s.recordsPerBlob();
        this.backlog = s.backlog();
        this.subscriptionsInitiallyEnabled = shared.subscriptionsInitiallyEnabled();
        this.subscriptionStartInterval = shared.subscriptionStartInterval();
        this.shared = shared;
        this.tokens = tokens;
        long seed = s.seed();
        this.content = new TenantContent(tenantId, tenantDomain, seed, shared, mapper);
        this.graph = new GraphAuditLog(content, mapper);
        this.listings = new ListingPages<>(shared.pageSize(), shared.shuffleListings(), shared.repeatBlobsInListing(),
                MAX_PAGE_TOKENS, new Random(seed * 31 + 7));
        this.faultRandom = new Random(seed * 131 + 17);
        this.faults = s.faults();
    }

    /** At start(): the initial blobs, spread over the backlog, and the initially enabled subscriptions. */
    void generateBacklog() {
        content.generateBacklog(contentTypes, blobsPerContentType, recordsPerBlob, backlog);
        if (subscriptionsInitiallyEnabled) {
            for (String type : contentTypes) {
                subscriptions.put(type, "enabled");
            }
        }
    }

    /** An API request whose path names this tenant arrived (at the simulator's {@code now}). */
    void countApiCall(Instant now) {
        apiCalls.incrementAndGet();
        synchronized (apiRequestTimes) {
            apiRequestTimes.add(now);
        }
    }

    public String tenantId() {
        return tenantId;
    }

    /** The tenant's verified domain, accepted in place of the GUID on the token endpoints only. */
    public String tenantDomain() {
        return tenantDomain;
    }

    /** The client id of the app registered in this tenant. */
    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /** The certificates whose client assertions this tenant's app accepts (possibly none). */
    public List<X509Certificate> clientCertificates() {
        return clientCertificates;
    }

    /** Tokens issued to this tenant's app for a client assertion (certificate credential), {@code appidacr "2"}. */
    public int certificateTokenCount() {
        return certificateTokens.get();
    }

    /** Makes every token issued so far for this tenant invalid (other tenants' tokens stay valid). */
    public void revokeTokens() {
        tokens.revoke(tenantId);
    }

    // ------------------------------------------------------------------ content

    /** As {@link ManagementApiSimulator#addBlobs}, in this tenant (records with its OrganizationId and domain). */
    public List<Blob> addBlobs(String contentType, int blobCount, int recordsPerBlob, Instant contentCreated) {
        return content.addBlobs(contentType, blobCount, recordsPerBlob, contentCreated);
    }

    /** As {@link ManagementApiSimulator#addPoisonBlob}, in this tenant. */
    public Blob addPoisonBlob(String contentType, PoisonKind kind, Instant contentCreated) {
        return content.addPoisonBlob(contentType, kind, contentCreated);
    }

    /** As {@link ManagementApiSimulator#addForeignBlob}, in this tenant. */
    public Blob addForeignBlob(String contentType, String foreignBaseUrl, Instant contentCreated) {
        return content.addForeignBlob(contentType, foreignBaseUrl, contentCreated);
    }

    /** As {@link ManagementApiSimulator#addHostileReference}, in this tenant. */
    public Blob addHostileReference(String contentType, HostileReference kind, Instant contentCreated) {
        return content.addHostileReference(contentType, kind, contentCreated);
    }

    /** As {@link ManagementApiSimulator#addWrongContentTypeReference}, in this tenant. */
    public Blob addWrongContentTypeReference(String contentType, String claimedContentType, Instant contentCreated) {
        return content.addWrongContentTypeReference(contentType, claimedContentType, contentCreated);
    }

    /** As {@link ManagementApiSimulator#hostileReference}, for a reference of this tenant. */
    public HostileEntry hostileReference(String contentId) {
        return content.hostileReference(contentId);
    }

    /** As {@link ManagementApiSimulator#hostileRequestCount}, for a reference of this tenant. */
    public int hostileRequestCount(String contentId) {
        return content.hostileRequestCount(contentId);
    }

    /** As {@link ManagementApiSimulator#listingTrap(String, ListingTrap)}, in this tenant. */
    public void listingTrap(String contentType, ListingTrap trap) {
        listingTrap(contentType, trap, null);
    }

    /** As {@link ManagementApiSimulator#listingTrap(String, ListingTrap, String)}, in this tenant. */
    public void listingTrap(String contentType, ListingTrap trap, String foreignBaseUrl) {
        content.listingTrap(contentType, trap, foreignBaseUrl);
    }

    /** As {@link ManagementApiSimulator#listingTrapCount}, in this tenant. */
    public int listingTrapCount(String contentType) {
        return content.listingTrapCount(contentType);
    }

    /** As {@link ManagementApiSimulator#expireBlob}, for a blob of this tenant. */
    public void expireBlob(String contentId) {
        content.expireBlob(contentId);
    }

    /** As {@link ManagementApiSimulator#blobs}: every blob of this tenant. */
    public List<Blob> blobs() {
        return content.blobs();
    }

    /** As {@link ManagementApiSimulator#recordsByContentType}: this tenant's deliverable records. */
    public Map<String, List<String>> recordsByContentType() {
        return content.recordsByContentType();
    }

    /** As {@link ManagementApiSimulator#servedCopyCount}, in this tenant. */
    public int servedCopyCount() {
        return content.servedCopyCount();
    }

    /** As {@link ManagementApiSimulator#records}, for a blob of this tenant. */
    public List<String> records(String contentId) {
        return content.records(contentId);
    }

    /** As {@link ManagementApiSimulator#recordCount}: this tenant's distinct deliverable records. */
    public int recordCount() {
        return content.recordCount();
    }

    // ------------------------------------------------------------------ counters

    /** As {@link ManagementApiSimulator#blobGetCount}, for a blob of this tenant. */
    public int blobGetCount(String contentId) {
        return content.blobGetCount(contentId);
    }

    /** As {@link ManagementApiSimulator#blobGetCounts}: this tenant's blobs. */
    public Map<String, Integer> blobGetCounts() {
        return content.blobGetCounts();
    }

    /** As {@link ManagementApiSimulator#gzippedBlobGetCount}, in this tenant. */
    public int gzippedBlobGetCount() {
        return content.gzippedBlobGetCount();
    }

    /** As {@link ManagementApiSimulator#listCallCount()}: listings of this tenant's API. */
    public int listCallCount() {
        return listCalls.get();
    }

    /**
     * {@link System#nanoTime()} of this JVM when this tenant's first {@link #listCallCount() listing call} arrived
     * (real time, not the simulator's clock), for timing a client's start-up from the JVM that runs the simulator;
     * empty before it.
     */
    public OptionalLong firstListingNanoTime() {
        Long at = firstListingNanos.get();
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
    }

    /** As {@link ManagementApiSimulator#listCallCount(String)}, in this tenant. */
    public int listCallCount(String contentType) {
        AtomicInteger count = listCallsByType.get(contentType);
        return count == null ? 0 : count.get();
    }

    /** As {@link ManagementApiSimulator#withholdPermission}, in this tenant. */
    public void withholdPermission(String contentType) {
        withheldPermissions.add(Objects.requireNonNull(contentType, "contentType"));
    }

    /** As {@link ManagementApiSimulator#grantPermission}, in this tenant. */
    public void grantPermission(String contentType) {
        withheldPermissions.remove(contentType);
    }

    /** Requests to a token endpoint whose path names this tenant (GUID or domain), answered or not. */
    public int tokenCallCount() {
        return tokenCalls.get();
    }

    /**
     * Times a {@code subscriptions/start} request arriving now; whether it came sooner after the previous one than the
     * simulator allows ({@link SimulatorBuilder#subscriptionStartInterval}).
     */
    boolean startRequestTooSoon() {
        Instant now = shared.now();
        synchronized (startRequests) {
            Instant previous = startRequests.isEmpty() ? null : startRequests.get(startRequests.size() - 1);
            startRequests.add(now);
            return previous != null && !subscriptionStartInterval.isZero()
                    && now.isBefore(previous.plus(subscriptionStartInterval));
        }
    }

    /** When each {@code subscriptions/start} request of this tenant arrived, in order. */
    public List<Instant> startRequestTimes() {
        synchronized (startRequests) {
            return List.copyOf(startRequests);
        }
    }

    /** As {@link ManagementApiSimulator#startCallCount}, in this tenant. */
    public int startCallCount() {
        return startCalls.get();
    }

    /** Requests under {@code /api/} whose path names this tenant (faulted ones included). */
    public int totalApiCalls() {
        return apiCalls.get();
    }

    /** This tenant's enabled subscriptions. */
    public Set<String> enabledSubscriptions() {
        Set<String> out = new TreeSet<>();
        subscriptions.forEach((type, status) -> {
            if ("enabled".equals(status)) {
                out.add(type);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ failure injection

    /** As {@link ManagementApiSimulator#disableSubscription}, in this tenant. */
    public void disableSubscription(String contentType) {
        subscriptions.computeIfPresent(contentType, (t, s) -> "disabled");
    }

    /** As {@link ManagementApiSimulator#removeSubscription}, in this tenant. */
    public void removeSubscription(String contentType) {
        subscriptions.remove(contentType);
    }

    /** Replaces the faults injected into this tenant's API calls (see {@link Faults}); others keep theirs. */
    public void faults(Faults faults) {
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    /** As {@link ManagementApiSimulator#throttledCount}, in this tenant. */
    public int throttledCount() {
        return throttledCalls.get();
    }

    /** As {@link ManagementApiSimulator#serverErrorCount}, in this tenant. */
    public int serverErrorCount() {
        return serverErrorCalls.get();
    }

    /** As {@link ManagementApiSimulator#timeoutCount}, in this tenant. */
    public int timeoutCount() {
        return timeoutCalls.get();
    }

    /** As {@link ManagementApiSimulator#droppedConnectionCount}, in this tenant. */
    public int droppedConnectionCount() {
        return droppedConnections.get();
    }

    /** As {@link ManagementApiSimulator#apiRequestTimes}: arrival times of this tenant's API requests. */
    public List<Instant> apiRequestTimes() {
        synchronized (apiRequestTimes) {
            return List.copyOf(apiRequestTimes);
        }
    }

    /** As {@link ManagementApiSimulator#failBlob}, for a blob of this tenant. */
    public void failBlob(String contentId, BlobFailure kind, int times) {
        Objects.requireNonNull(kind, "kind");
        StoredBlob b = content.requireBlob(contentId);
        if (b.foreignUri != null) {
            throw new IllegalArgumentException("a foreign blob is not served by this simulator: " + contentId);
        }
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0: " + times);
        }
        plannedFailures.plan(contentId, kind, times);
    }

    /** As {@link ManagementApiSimulator#healBlob}, for a blob of this tenant. */
    public void healBlob(String contentId) {
        content.requireBlob(contentId);
        plannedFailures.heal(contentId);
    }

    /** As {@link ManagementApiSimulator#blobFailureCount}, for a blob of this tenant. */
    public int blobFailureCount(String contentId) {
        content.requireBlob(contentId);
        return plannedFailures.failedCount(contentId);
    }

    // ------------------------------------------------------------------ Microsoft Graph audit log queries

    /**
     * Graph tokens issued from now on lack the application role {@code AuditLogsQuery.Read.All} (no {@code roles}
     * claim), as when an admin has not granted it: every audit log query request with such a token is answered 403
     * Forbidden. A token issued before keeps its role, as Entra's do ({@link #revokeTokens()} makes a client get a new
     * one).
     */
    public void withholdGraphAuditPermission() {
        graph.withholdPermission(true);
    }

    /** Graph tokens issued from now on carry {@code AuditLogsQuery.Read.All} again (the default). */
    public void grantGraphAuditPermission() {
        graph.withholdPermission(false);
    }

    /**
     * The next {@code count} audit log queries this tenant creates (counted from this call) end {@code failed} instead
     * of {@code succeeded}, at the status GET that finds them done; 0 cancels what is pending.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public void failNextGraphQueries(int count) {
        graph.failNextQueries(count);
    }

    /**
     * The next {@code count} Graph requests with this tenant's token (counted from this call, any audit log query
     * request, after the token check) answer 429 TooManyRequests with {@code Retry-After: 1}; 0 cancels what is pending.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public void throttleNextGraphRequests(int count) {
        graph.throttleNextRequests(count);
    }

    /**
     * Graph requests with this tenant's token, answered or not, throttled ones included (a request without a token
     * this simulator issued counts in the primary tenant).
     */
    public int graphRequestCount() {
        return graph.requests.get();
    }

    /** Audit log queries this tenant created (answered 201). */
    public int graphQueryCount() {
        return graph.queryCount();
    }

    /** The filter window of each audit log query this tenant created, in the order they were created. */
    public List<GraphQueryWindow> graphQueryWindows() {
        return graph.windows();
    }

    /** Status GETs of this tenant's audit log queries answered 200. */
    public int graphStatusPollCount() {
        return graph.statusPolls.get();
    }

    /** GETs of pages of this tenant's audit log query records answered 200. */
    public int graphRecordPageCount() {
        return graph.recordPages.get();
    }

    /** Graph requests of this tenant answered 429 by {@link #throttleNextGraphRequests}. */
    public int graphThrottledCount() {
        return graph.throttled.get();
    }

    @Override
    public String toString() {
        return "tenant " + tenantId + " (" + tenantDomain + ")";
    }
}
