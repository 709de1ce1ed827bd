package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-process simulator of the Microsoft identity platform token endpoint (v1 and v2, client-credentials with a client
 * secret or a certificate) and of the Office 365 Management Activity API
 * ({@code /api/v1.0/{tenant}/activity/feed/...}), faithful to {@code /work/shared/o365-api.md} sections 1, 3, 4, 5
 * and 8. The facade the tests use; {@link SimulatorMain} runs it alone.
 *
 * <p>One HTTP server on {@code 127.0.0.1} serves both: use {@link #baseUrl()} as login URL and as API URL (or
 * {@link #httpsBaseUrl()}, for clients that refuse a plain-http authority: see {@link SimulatorServer}).
 * Start with {@link #start()}, stop with {@link #close()}. All public methods are thread-safe.
 *
 * <p>Tenants: the Builder's own settings describe the primary tenant; {@link SimulatorBuilder#tenant(TenantSpec)} adds
 * more, all on the same host and port, as all real tenants share {@code login.microsoftonline.com} and
 * {@code manage.office.com}. Each tenant has its own app registration (client id, secret, certificates), records (with
 * its {@code OrganizationId} and domain), blobs, subscriptions, listings and page tokens, permissions, {@link Faults}
 * and counters; {@link #tenant(String)} is the view of one of them. The tenant in a token endpoint's path (GUID or
 * domain) selects the tenant whose app registration is checked (unknown: AADSTS90002); the tenant GUID in an API path
 * selects the tenant whose content is served, and must be the token's tenant (else AF20010, as for any GUID that is
 * not the token's). Global, shared by all tenants: the listeners and their thread pool, the issued tokens, the
 * settings not in {@link TenantSpec} (cloud resource, page size, token lifetime, retention, record size, ...), the
 * clock, {@link #stallNext} (the next such request of any tenant) and {@link #slowResponseDelay}.
 *
 * <p>The top-level content, failure-injection and counter methods ({@link #addBlobs}, {@link #faults(Faults)},
 * {@link #totalApiCalls()}, ...) are those of the primary tenant: the same as {@code tenant(tenantId()).x()}. A
 * request whose path names no tenant of the simulator (an unknown GUID, a malformed one, a domain on the API) is
 * counted in, and faulted by the {@link Faults} of, the primary tenant, so that a single-tenant simulator counts
 * exactly as it always did; the counts of all tenants add up to every request. {@link #revokeTokens()} is the one
 * exception: it revokes the tokens of every tenant ({@link SimulatedTenant#revokeTokens()} those of one).
 *
 * <p>Counters (each tenant's own; the top-level ones the primary tenant's): {@link #tokenCallCount()} counts every
 * request to a token endpoint, {@link #certificateTokenCount()} the tokens issued for a client assertion;
 * {@link #totalApiCalls()} every request under {@code /api/}; {@link #listCallCount()} every authenticated
 * {@code GET subscriptions/content} ({@link SimulatedTenant#firstListingNanoTime()} when a tenant's first one
 * arrived); {@link #startCallCount()} every authenticated {@code POST subscriptions/start} (including AF20024
 * answers); {@link #blobGetCount(String)} only successful (200) blob downloads (never a request faulted by
 * {@link Faults} or failed by {@link #failBlob}); {@link #throttledCount()}, {@link #serverErrorCount()},
 * {@link #timeoutCount()} and {@link #droppedConnectionCount()} the injected faults; {@link #blobFailureCount(String)}
 * the GETs of one blob failed by {@link #failBlob}.
 *
 * <p>Where each part is described and done: the listeners and HTTPS in {@link SimulatorServer}; request routing and
 * the bearer check in {@link ApiRouter}; the token endpoints and client credentials in {@link TokenEndpoint};
 * {@code subscriptions/start|stop|list} in {@link SubscriptionsEndpoint}; listings and {@code NextPageUri} in
 * {@link ContentListingEndpoint}; blob downloads and {@link BlobFailure}s in {@link BlobEndpoint}; random faults in
 * {@link Faults} and {@link FaultInjection}; held requests in {@link Stall}; a tenant's state in
 * {@link SimulatedTenant}, its blobs, broken and hostile content in {@link TenantContent}. Microsoft Graph's audit log
 * query API ({@code /v1.0/security/auditLog/queries}, for records older than this API keeps) in {@link GraphRouter}.
 */
public final class ManagementApiSimulator implements AutoCloseable {

    /** The five content types of the API, in documentation order. */
    public static final List<String> ALL_CONTENT_TYPES = List.of(
            RecordFactory.AAD, RecordFactory.EXCHANGE, RecordFactory.SHAREPOINT, RecordFactory.GENERAL, RecordFactory.DLP);

    private static final Logger LOG = LoggerFactory.getLogger(ManagementApiSimulator.class);

    private final SimulatorServer server;
    private final SimulatorSettings settings;
    private final IssuedTokens tokens;
    private final SimulatedTenants tenants;
    /** The Builder's own tenant: what the top-level content, fault and counter methods act on. */
    private final SimulatedTenant primary;
    private final FaultInjection faultInjection;
    private final ApiRouter router;

    /**
     * A listed blob. {@code contentCreated}/{@code contentExpiration} have millisecond precision. {@code recordCount}
     * is the number of records the blob delivers: 0 for a poison or a foreign blob.
     */
    public record Blob(String contentType, String contentId, Instant contentCreated, Instant contentExpiration,
                       int recordCount) {
    }

    /** How the body of a blob added by {@link #addPoisonBlob} is broken. */
    public enum PoisonKind {
        /** A JSON object {@code {"error":"..."}} (200, application/json) instead of an array. */
        NOT_AN_ARRAY,
        /** A JSON array of 20 realistic records cut off in the middle of the 11th record (no closing bracket). */
        TRUNCATED,
        /** A JSON array of 20 realistic records; the 7th (index 6) has no {@code "Id"} field. */
        RECORD_WITHOUT_ID,
        /** An HTML gateway page {@code <html><body>Service Unavailable</body></html>}, 200, {@code text/html}. */
        NOT_JSON
    }

    /** Wires the parts of a simulator: see {@link SimulatorBuilder#build()}. */
    ManagementApiSimulator(SimulatorServer server, SimulatorSettings settings, List<TenantSettings> tenantSettings,
                           Duration slowResponseDelay) {
        ObjectMapper mapper = new ObjectMapper();
        this.server = server;
        this.settings = settings;
        this.tokens = new IssuedTokens();
        this.tenants = new SimulatedTenants(tenantSettings.stream()
                .map(s -> new SimulatedTenant(s, settings, mapper, tokens)).toList());
        this.primary = tenants.primary();
        this.faultInjection = new FaultInjection(server, slowResponseDelay);
        this.router = new ApiRouter(tenants, tokens, settings, faultInjection,
                new TokenEndpoint(tenants, tokens, settings, server, mapper),
                new SubscriptionsEndpoint(mapper),
                new ContentListingEndpoint(settings, server, faultInjection, mapper),
                new BlobEndpoint(settings, faultInjection),
                new GraphRouter(tenants, tokens, settings, new GraphAuditQueryEndpoint(settings, server, mapper),
                        new GraphAuditRecordsEndpoint(settings, server, mapper)));
    }

    public static SimulatorBuilder builder() {
        return new SimulatorBuilder();
    }

    // ================================================================== lifecycle

    /**
     * Generates the initial backlog of every tenant and binds 127.0.0.1 on the configured port (0 = a free port); with
     * {@link SimulatorBuilder#https(boolean)} also makes the server certificate and binds a second, free port with TLS.
     */
    public synchronized void start() {
        if (server.isRunning()) {
            throw new IllegalStateException("already started");
        }
        for (SimulatedTenant t : tenants.all()) {
            t.generateBacklog();
        }
        server.start(router::handle);
        LOG.info("Office 365 Management API simulator listening on {}{} (tenants {})", baseUrl(),
                server.https() ? " and " + httpsBaseUrl() : "", tenantIds());
    }

    /**
     * Stops both listeners (idempotent). Held exchanges (see {@link #stallNext}) are aborted: their connections
     * closed.
     */
    @Override
    public synchronized void close() {
        server.stopListeners(); // first: a stall claimed from now on is aborted at once
        faultInjection.abortStalls();
        server.stopThreads();
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:<port>}: the login URL and the API URL. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /**
     * {@code https://127.0.0.1:<port>}: the login URL and the API URL over TLS (the same endpoints and state as
     * {@link #baseUrl()}); a client must trust {@link #serverCertificate()}.
     *
     * @throws IllegalStateException when https is off ({@link SimulatorBuilder#https(boolean)}) or before
     *                               {@link #start()}
     */
    public String httpsBaseUrl() {
        return server.httpsBaseUrl();
    }

    /**
     * The self-signed certificate of the https listener (made at {@link #start()}, valid from an hour before for a
     * day; subject alternative names IP 127.0.0.1 and DNS localhost): what a client must trust.
     *
     * @throws IllegalStateException when https is off or before {@link #start()}
     */
    public X509Certificate serverCertificate() {
        return server.serverCertificate();
    }

    /** {@link #serverCertificate()} as PEM ({@code -----BEGIN CERTIFICATE-----}), e.g. for a trust store file. */
    public String serverCertificatePem() {
        return server.serverCertificatePem();
    }

    /**
     * {@link #serverCertificatePem()} in a temporary file (written once), for the collector's
     * {@code o365.trusted-certificates}.
     */
    public Path serverCertificateFile() {
        return server.serverCertificateFile();
    }

    // ================================================================== tenants

    /** The primary tenant's id. */
    public String tenantId() {
        return primary.tenantId();
    }

    /** The primary tenant's client id. */
    public String clientId() {
        return primary.clientId();
    }

    /** The primary tenant's client secret. */
    public String clientSecret() {
        return primary.clientSecret();
    }

    /** A verified domain of the primary tenant, accepted in place of the GUID on the token endpoints only. */
    public String tenantDomain() {
        return primary.tenantDomain();
    }

    /** The resource / scope prefix accepted by the token endpoints, e.g. {@code https://manage.office.com}. */
    public String cloudResource() {
        return settings.cloudResource();
    }

    /**
     * Every tenant's id: the primary's first, then those of {@link SimulatorBuilder#tenant} in the order they were
     * added.
     */
    public List<String> tenantIds() {
        return tenants.ids();
    }

    /**
     * The view of one tenant (the primary one included), by its GUID (case-insensitive).
     *
     * @throws IllegalArgumentException for an id that is no tenant's
     */
    public SimulatedTenant tenant(String tenantId) {
        return tenants.byId(tenantId);
    }

    // ================================================================== content

    /**
     * Adds {@code blobCount} blobs, each holding {@code recordsPerBlob} new records, all with the given
     * {@code contentCreated} (null = now; truncated to milliseconds). Blobs whose contentCreated is in the future are
     * listed only once that time has come. A blob expires {@code retention} after its aggregation start (which is at
     * most 5 minutes before contentCreated), as the real service does.
     */
    public List<Blob> addBlobs(String contentType, int blobCount, int recordsPerBlob, Instant contentCreated) {
        return primary.addBlobs(contentType, blobCount, recordsPerBlob, contentCreated);
    }

    /**
     * Adds one listed blob whose body is broken (see {@link PoisonKind}), with a realistic contentId and the given
     * {@code contentCreated} (null = now; truncated to milliseconds); listed like any other blob. A GET answers 200
     * with that body (gzip-compressed when asked) and counts in {@link #blobGetCount(String)} as usual. None of its
     * records are deliverable: they are in neither {@link #recordsByContentType()} nor {@link #recordCount()}, and
     * {@link #records(String)} returns an empty list for it; its {@link Blob#recordCount()} is 0.
     */
    public Blob addPoisonBlob(String contentType, PoisonKind kind, Instant contentCreated) {
        return primary.addPoisonBlob(contentType, kind, contentCreated);
    }

    /**
     * Adds a listing entry (realistic contentId, the given {@code contentCreated}, null = now) whose {@code contentUri}
     * points at another host: {@code foreignBaseUrl + "/api/v1.0/{tenant}/activity/feed/audit/{contentId}"}
     * ({@code foreignBaseUrl} like {@code http://127.0.0.1:12345}; a trailing slash is dropped). This simulator serves
     * nothing for it: a GET of that contentId here answers 404 AF20050. Not deliverable (its {@link Blob#recordCount()}
     * is 0, {@link #records(String)} is empty) and absent from {@link #blobGetCounts()}.
     */
    public Blob addForeignBlob(String contentType, String foreignBaseUrl, Instant contentCreated) {
        return primary.addForeignBlob(contentType, foreignBaseUrl, contentCreated);
    }

    /**
     * Adds one listing entry of that hostile kind (see {@link HostileReference} for what each lists and serves and
     * how it counts), listed among the content type's blobs like any other, with the given {@code contentCreated}
     * (null = now; truncated to milliseconds). Returns its Blob: the listing entry's contentId, the content type
     * whose listing holds it, and as recordCount its deliverable records (2 for {@link HostileReference#HUGE_RECORD},
     * else 0). {@link #hostileReference(String)} tells the rest.
     */
    public Blob addHostileReference(String contentType, HostileReference kind, Instant contentCreated) {
        return primary.addHostileReference(contentType, kind, contentCreated);
    }

    /**
     * A {@link HostileReference#WRONG_CONTENT_TYPE} entry listed under {@code contentType} whose {@code contentType}
     * field names {@code claimedContentType} (another of {@link #ALL_CONTENT_TYPES}); its blob holds 5 records of
     * that claimed type, none deliverable.
     */
    public Blob addWrongContentTypeReference(String contentType, String claimedContentType, Instant contentCreated) {
        return primary.addWrongContentTypeReference(contentType, claimedContentType, contentCreated);
    }

    /**
     * What the reference with that contentId (from {@link #addHostileReference}) lists and serves: its kind, listed
     * contentType, contentUri's last segment and the ids of its deliverable and undeliverable records.
     *
     * @throws IllegalArgumentException for a contentId that is not a hostile reference
     */
    public HostileEntry hostileReference(String contentId) {
        return primary.hostileReference(contentId);
    }

    /**
     * Authenticated GETs that reached that reference's URI (for {@link HostileReference#MISSING_CONTENT_URI}: the URI
     * its contentId would have; for {@link HostileReference#BAD_CONTENT_ID}: its contentUri or its contentId itself),
     * whatever the answer (302, 404, 400, 200, AF20051 ...); not those answered by an injected {@link Faults} fault.
     *
     * @throws IllegalArgumentException for a contentId that is not a hostile reference
     */
    public int hostileRequestCount(String contentId) {
        return primary.hostileRequestCount(contentId);
    }

    /**
     * From now on every listing page of that content type served (200) carries the hostile {@code NextPageUri} of
     * {@code trap} (see {@link ListingTrap}), {@link ListingTrap#FOREIGN_NEXT_PAGE} on {@code https://evil.example.com};
     * {@code null} clears it (listings are normal again).
     */
    public void listingTrap(String contentType, ListingTrap trap) {
        primary.listingTrap(contentType, trap);
    }

    /**
     * As {@link #listingTrap(String, ListingTrap)}, a {@link ListingTrap#FOREIGN_NEXT_PAGE} naming
     * {@code foreignBaseUrl} (like {@code http://127.0.0.1:12345}; a trailing slash is dropped; null = the default).
     */
    public void listingTrap(String contentType, ListingTrap trap, String foreignBaseUrl) {
        primary.listingTrap(contentType, trap, foreignBaseUrl);
    }

    /** Listing pages of that content type served (200) with a trap's NextPageUri ({@link #listingTrap}). */
    public int listingTrapCount(String contentType) {
        return primary.listingTrapCount(contentType);
    }

    /**
     * From now on a GET of this blob answers 400 AF20051 ("Content requested with the key {id} has already expired.
     * ...") although it is still listed (with its original contentExpiration). Its records stop counting as
     * deliverable: they leave {@link #recordsByContentType()} and {@link #recordCount()} (except any record the
     * service also served, as a duplicate, in another deliverable blob). {@link #records(String)} still returns them.
     * Idempotent.
     *
     * @throws IllegalArgumentException for an unknown contentId or a foreign blob (not served here)
     */
    public void expireBlob(String contentId) {
        primary.expireBlob(contentId);
    }

    /** Every blob (poison, foreign and expired ones included), oldest contentCreated first. */
    public List<Blob> blobs() {
        return primary.blobs();
    }

    /**
     * Every distinct deliverable record (compact JSON, exactly as served) per content type, in no particular order: a
     * record the service served twice (see {@code duplicateRecordShare}) is listed once. Records of poison and foreign
     * blobs, of hostile references (but a {@link HostileReference#HUGE_RECORD}'s two normal records) and of blobs
     * expired with {@link #expireBlob} are left out. The keys are the content types that got normal blobs (the initial
     * backlog's types and those passed to {@link #addBlobs}) or a HUGE_RECORD reference.
     */
    public Map<String, List<String>> recordsByContentType() {
        return primary.recordsByContentType();
    }

    /** How many records were served again in a later blob (the service's own duplicates). */
    public int servedCopyCount() {
        return primary.servedCopyCount();
    }

    /**
     * The records of one blob, in the order they are served; still returned after {@link #expireBlob}. Empty for a
     * poison or a foreign blob (none of their records are deliverable) and for a hostile reference, but a
     * {@link HostileReference#HUGE_RECORD}'s: its two normal (deliverable) records.
     */
    public List<String> records(String contentId) {
        return primary.records(contentId);
    }

    /** The number of distinct deliverable records: the total size of {@link #recordsByContentType()}'s lists. */
    public int recordCount() {
        return primary.recordCount();
    }

    // ================================================================== counters

    /** Number of successful (200) GETs of that blob. */
    public int blobGetCount(String contentId) {
        return primary.blobGetCount(contentId);
    }

    /**
     * contentId -> successful GETs, for every blob served here (0 for never fetched ones; foreign blobs and the
     * hostile references that never answer 200, {@link HostileReference#MISSING_CONTENT_URI},
     * {@link HostileReference#REDIRECT} and {@link HostileReference#BAD_CONTENT_ID}, left out).
     */
    public Map<String, Integer> blobGetCounts() {
        return primary.blobGetCounts();
    }

    /** Successful blob GETs that asked for, and got, a gzip-compressed body. */
    public int gzippedBlobGetCount() {
        return primary.gzippedBlobGetCount();
    }

    public int listCallCount() {
        return primary.listCallCount();
    }

    /** Listing calls for one content type (valid content type parameter), answered or not. */
    public int listCallCount(String contentType) {
        return primary.listCallCount(contentType);
    }

    /**
     * Tokens from now on lack the permission a content type needs ({@code ActivityFeed.ReadDlp} for DLP.All,
     * {@code ActivityFeed.Read} for the others), as when an admin has not granted it: every start, listing and blob
     * GET of that content type is answered 401 AF10001, even with a fresh token.
     */
    public void withholdPermission(String contentType) {
        primary.withholdPermission(contentType);
    }

    /** The permission a content type needs is granted (again); see {@link #withholdPermission}. */
    public void grantPermission(String contentType) {
        primary.grantPermission(contentType);
    }

    /**
     * Requests to a token endpoint of the primary tenant (or of no tenant of the simulator), answered or not, whatever
     * the credential.
     */
    public int tokenCallCount() {
        return primary.tokenCallCount();
    }

    /**
     * Tokens the primary tenant issued for a client assertion (certificate credential); a subset of the successful
     * {@link #tokenCallCount()} requests.
     */
    public int certificateTokenCount() {
        return primary.certificateTokenCount();
    }

    /** The bearer tokens issued and not revoked, of every tenant: what must never appear in a log or a span. */
    public Set<String> issuedAccessTokens() {
        return tokens.accessTokens();
    }

    public int startCallCount() {
        return primary.startCallCount();
    }

    /** When each {@code subscriptions/start} request of the first tenant arrived, in order. */
    public List<Instant> startRequestTimes() {
        return primary.startRequestTimes();
    }

    /** Requests under {@code /api/} (token endpoint calls excluded). */
    public int totalApiCalls() {
        return primary.totalApiCalls();
    }

    public Set<String> enabledSubscriptions() {
        return primary.enabledSubscriptions();
    }

    // ================================================================== failure injection

    /** Marks a subscription disabled (as a tenant admin would): content calls then get AF20023 until /start. */
    public void disableSubscription(String contentType) {
        primary.disableSubscription(contentType);
    }

    /** Removes a subscription (as if someone else deleted it): content calls then get AF20022 until /start. */
    public void removeSubscription(String contentType) {
        primary.removeSubscription(contentType);
    }

    /**
     * Makes every token issued so far, for every tenant, invalid (API calls answer 401 until a new token is fetched);
     * {@link SimulatedTenant#revokeTokens()} revokes those of one tenant.
     */
    public void revokeTokens() {
        tokens.revokeAll();
    }

    /**
     * Replaces the faults injected into the primary tenant's API calls (see {@link Faults}); takes effect for requests
     * arriving from now on. Each tenant has its own: {@link SimulatedTenant#faults(Faults)}.
     */
    public void faults(Faults faults) {
        primary.faults(faults);
    }

    /** API calls answered with AF429 (see {@link Faults}). */
    public int throttledCount() {
        return primary.throttledCount();
    }

    /**
     * API calls answered with a 5xx, JSON (AF50000) or HTML (gateway page), by {@link Faults} or by
     * {@link BlobFailure#HTML_502}.
     */
    public int serverErrorCount() {
        return primary.serverErrorCount();
    }

    /** API calls answered 408, by {@link Faults#timeoutShare()} or by {@link BlobFailure#STATUS_408}. */
    public int timeoutCount() {
        return primary.timeoutCount();
    }

    /**
     * Connections dropped on purpose: {@link BlobFailure#DROP_BEFORE_RESPONSE} and {@link BlobFailure#DROP_MID_BODY}
     * failures and the drops of {@link Faults#dropShare()}. Counted when the drop is decided, before the connection
     * is closed, so the count already includes a drop when its client sees the IOException. Connections aborted by
     * {@link #close()} are not counted.
     */
    public int droppedConnectionCount() {
        return primary.droppedConnectionCount();
    }

    /**
     * The arrival time (the simulator's clock) of every API request so far, faulted ones included, in arrival order:
     * a copy, for rate checks. Token endpoint calls are not included.
     */
    public List<Instant> apiRequestTimes() {
        return primary.apiRequestTimes();
    }

    /**
     * Makes the next {@code times} GETs of that blob (counted from this call, among those that would otherwise get
     * the blob: see {@link BlobFailure}) fail that way; {@link Integer#MAX_VALUE} = every GET until
     * {@link #healBlob}; 0 = the same as {@link #healBlob}. Replaces any failure still pending for that blob.
     * Concurrent GETs use up the failures one each, atomically. The random {@link Faults} are decided first: a request
     * they fault never reaches the blob and uses up nothing. A failed GET does not use up a
     * pending {@link #stallNext} stall (except that a {@link BlobFailure#SLOW_RESPONSE} GET, once its delay is over,
     * is answered normally and may be held). A failed GET counts in {@link #totalApiCalls()},
     * {@link #apiRequestTimes()} and {@link #blobFailureCount(String)}, never in {@link #blobGetCount(String)},
     * {@link #blobGetCounts()} or {@link #gzippedBlobGetCount()} (which count only completed 200 downloads), except a
     * {@link BlobFailure#SLOW_RESPONSE} one once its late 200 answer has been written.
     *
     * @throws IllegalArgumentException for an unknown contentId, a foreign blob (not served here) or times &lt; 0
     * @throws NullPointerException     for a null kind
     */
    public void failBlob(String contentId, BlobFailure kind, int times) {
        primary.failBlob(contentId, kind, times);
    }

    /**
     * No more failures for that blob: cancels what {@link #failBlob} left pending (a GET already failing, e.g. one
     * waiting out a {@link BlobFailure#SLOW_RESPONSE} delay, completes as decided). Idempotent.
     *
     * @throws IllegalArgumentException for an unknown contentId
     */
    public void healBlob(String contentId) {
        primary.healBlob(contentId);
    }

    /**
     * How many GETs of that blob were failed by {@link #failBlob} so far, every kind included; counted when the
     * failure is decided (on the request's arrival), so before the client sees it.
     *
     * @throws IllegalArgumentException for an unknown contentId
     */
    public int blobFailureCount(String contentId) {
        return primary.blobFailureCount(contentId);
    }

    /**
     * The delay of {@link BlobFailure#SLOW_RESPONSE} for GETs failing from now on (a GET already waiting keeps its
     * delay). Default 5 s, or {@link SimulatorBuilder#slowResponseDelay}.
     *
     * @throws IllegalArgumentException for a negative delay
     */
    public void slowResponseDelay(Duration delay) {
        faultInjection.slowResponseDelay(delay);
    }

    /** The current delay of {@link BlobFailure#SLOW_RESPONSE}. */
    public Duration slowResponseDelay() {
        return faultInjection.slowResponseDelay();
    }

    // ================================================================== stalls

    /** The requests {@link #stallNext} can hold. */
    public enum RequestKind {
        /** {@code GET .../activity/feed/audit/{contentId}} */
        BLOB,
        /** {@code GET .../activity/feed/subscriptions/content} */
        LISTING
    }

    /**
     * Holds the next request of that kind (counted from this call) that gets a 200 answer: sends the status, the
     * headers and the first {@code bytesBeforeStall} bytes of the uncompressed body (0 = nothing at all, not even the
     * status line), flushes them, then blocks until {@link Stall#release()} (the response then completes) or
     * {@link #close()} (the connection is then aborted). One pending stall per kind: a later call for the same kind
     * replaces an unused one. See {@link Stall}.
     */
    public Stall stallNext(RequestKind kind, int bytesBeforeStall) {
        return faultInjection.stallNext(kind, bytesBeforeStall);
    }
}
