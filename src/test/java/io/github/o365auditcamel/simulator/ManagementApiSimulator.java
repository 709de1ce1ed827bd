package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.github.o365auditcamel.testing.TestCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * In-process simulator of the Microsoft identity platform token endpoint (v1 and v2, client-credentials with a client
 * secret or a certificate) and of the Office 365 Management Activity API
 * ({@code /api/v1.0/{tenant}/activity/feed/...}), faithful to {@code /work/shared/o365-api.md} sections 1, 3, 4, 5
 * and 8.
 *
 * <p>One HTTP server on {@code 127.0.0.1} serves both: use {@link #baseUrl()} as login URL and as API URL (or
 * {@link #httpsBaseUrl()}, see below).
 * Start with {@link #start()}, stop with {@link #close()}. All public methods are thread-safe.
 *
 * <p>HTTPS, for clients that refuse a plain-http authority (MSAL4J): with {@link Builder#https(boolean)} the simulator
 * also listens on a second, free port of {@code 127.0.0.1} with TLS ({@link #httpsBaseUrl()}), serving exactly the same
 * endpoints and state, with a self-signed server certificate made at {@link #start()} (subject alternative names IP
 * {@code 127.0.0.1} and DNS {@code localhost}) that a client must trust: {@link #serverCertificate()},
 * {@link #serverCertificatePem()}. Every URL the simulator writes (the {@code contentUri} of listings, the
 * {@code NextPageUri} header) and the token endpoint URL a client assertion's {@code aud} must name use the scheme and
 * port the request arrived on: a client that uses the https URL sees only https URLs.
 *
 * <p>Client credentials: a client secret (form field {@code client_secret} or HTTP Basic) or a certificate: form fields
 * {@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer} and {@code client_assertion=}
 * a JWT signed with the key of a certificate registered for the app ({@link Builder#clientCertificate},
 * {@link TenantSpec#clientCertificate}), checked as Entra does (reference section 1.2; the checks and their error
 * codes are listed in {@code ClientAssertionVerifier}): RS256 with {@code x5t} or {@code x5t#S256}, PS256 with
 * {@code x5t#S256}; {@code aud} the token endpoint URL the request was sent to (scheme, host and port as the request
 * arrived, the tenant as in the path, {@code /oauth2/v2.0/token} or {@code /oauth2/token}); {@code iss} = {@code sub} =
 * client id; {@code exp} after now and {@code nbf} at most 5 minutes ahead (the simulator's clock); a {@code jti}. A
 * request with both a client secret and a client assertion gets 400 {@code invalid_request} AADSTS700025 (Entra's
 * answer to that is undocumented; 700025 is its documented code for a credential that must not be presented, there
 * by a public client). A certificate token is like a secret one except that its {@code appidacr} claim is {@code "2"} (a
 * secret's is {@code "1"}). The v2 endpoint accepts the scope {@code <cloudResource>/.default} alone or together with
 * the OpenID scopes {@code openid}, {@code profile} and {@code offline_access}, which MSAL4J always adds and Entra
 * ignores for client credentials.
 *
 * <p>Tenants: the Builder's own settings describe the primary tenant; {@link Builder#tenant(TenantSpec)} adds more, all
 * on the same host and port, as all real tenants share {@code login.microsoftonline.com} and {@code manage.office.com}.
 * Each tenant has its own app registration (client id, secret, certificates), records (with its
 * {@code OrganizationId} and domain), blobs, subscriptions, listings and page tokens, permissions, {@link Faults} and
 * counters; {@link #tenant(String)} is the view of one of them. The tenant in a token endpoint's path (GUID or
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
 * exception: it revokes the tokens of every tenant ({@link Tenant#revokeTokens()} those of one).
 *
 * <p>Counters (each tenant's own; the top-level ones the primary tenant's): {@link #tokenCallCount()} counts every
 * request to a token endpoint, {@link #certificateTokenCount()} the tokens issued for a client assertion;
 * {@link #totalApiCalls()} every request under {@code /api/}; {@link #listCallCount()} every authenticated
 * {@code GET subscriptions/content} ({@link Tenant#firstListingNanoTime()} when a tenant's first one arrived);
 * {@link #startCallCount()} every authenticated {@code POST subscriptions/start} (including AF20024 answers);
 * {@link #blobGetCount(String)} only successful (200) blob downloads (never a request faulted by {@link Faults} or
 * failed by {@link #failBlob}); {@link #throttledCount()}, {@link #serverErrorCount()}, {@link #timeoutCount()} and
 * {@link #droppedConnectionCount()} the injected faults; {@link #blobFailureCount(String)} the GETs of one blob failed
 * by {@link #failBlob}.
 *
 * <p>Stalls, for crash tests that must stop the client at a precise point: {@link #stallNext(RequestKind, int)} makes
 * the next blob download ({@link RequestKind#BLOB}, {@code GET .../audit/{contentId}}) or content listing
 * ({@link RequestKind#LISTING}, {@code GET .../subscriptions/content}) that gets a 200 answer hang: the simulator sends
 * the status line, the headers and the first {@code bytesBeforeStall} bytes of the uncompressed body (chunked, no
 * Content-Length; through a sync-flushed gzip stream when the client accepts gzip, so the client can decode what it
 * got), flushes them, and then holds the exchange until {@link Stall#release()} (the response then completes normally)
 * or {@link #close()} (the connection is then aborted). With {@code bytesBeforeStall = 0} nothing at all is sent while
 * held. Requests answered with an error are never held and do not use up a stall. A held blob download counts in
 * {@link #blobGetCount(String)} only once it has completed, and never when aborted; a held request counts in
 * {@link #listCallCount()} / {@link #totalApiCalls()} on arrival, like any other. A held exchange occupies one thread of
 * the server's pool (16 threads); other requests are served meanwhile. If the client goes away while held, release()
 * and close() just clean up (when the peer's disappearance is not yet visible to the write, the download may still
 * count as completed).
 *
 * <p>Broken content, for tests of a client's error handling: {@link #addPoisonBlob} lists a blob whose body is not a
 * usable JSON array of records ({@link PoisonKind}); {@link #addForeignBlob} lists a blob whose {@code contentUri}
 * points at another host; {@link #expireBlob} makes a listed blob answer AF20051. Their records are not
 * <em>deliverable</em>: {@link #recordsByContentType()} and {@link #recordCount()} count only the records of normal
 * blobs (from {@link #addBlobs} or the initial backlog) that were not expired with {@link #expireBlob}.
 *
 * <p>Hostile input (issue 19), for tests of a client's defences: {@link #addHostileReference} lists one entry of a
 * {@link HostileReference} kind among good blobs (no contentUri, a redirect to the metadata endpoint, a 1.5 MiB
 * record between two normal ones, a 200 MiB gzip bomb of blanks, a contentType other than the listing's, a contentId
 * with CR/LF and control characters); of their records only a {@link HostileReference#HUGE_RECORD}'s two normal ones
 * are deliverable; {@link #hostileReference} and {@link #hostileRequestCount} tell what each is and how often it was
 * requested. {@link #listingTrap} makes a content type's listing pages carry a {@code NextPageUri} on another host
 * or pointing at the same page ({@link ListingTrap}).
 *
 * <p>Faults, for tests of a client's retry and pacing: {@link #faults(Faults)} (or {@link Builder#faults}) makes a
 * random share of the API calls answer AF429 (403 or 429, optionally with {@code Retry-After}), AF50000 (500/503) or an
 * HTML 502 gateway page, a 408 or a dropped connection, before any other processing (authentication included).
 * {@link #throttledCount()}, {@link #serverErrorCount()}, {@link #timeoutCount()}, {@link #droppedConnectionCount()}
 * and {@link #apiRequestTimes()} tell what the client got and how fast it called.
 *
 * <p>Network-level and transient failures of one blob, for tests of a client's download retries:
 * {@link #failBlob(String, BlobFailure, int)} makes the next GETs of a blob answer 408 or an HTML 502, drop the
 * connection before any response byte or in the middle of the body, or answer only after
 * {@link #slowResponseDelay()} ({@link BlobFailure}); {@link #healBlob} cancels that, {@link #blobFailureCount} counts
 * the failed GETs. A dropped connection is closed without a complete response: the client sees an end of stream (or a
 * reset) before the status line, or before the announced {@code Content-Length}.
 *
 * <p>Simplifications: no webhooks (a {@code /start} body with a webhook gets AF20021), no rate-based throttling (only
 * the random one of {@link Faults}), no instance or OpenID discovery endpoints, no check of a client certificate's
 * validity dates or of a reused {@code jti}, a blob's body never changes once added.
 * {@code subscriptions/notifications} returns {@code []}.
 */
public final class ManagementApiSimulator implements AutoCloseable {

    /** The five content types of the API, in documentation order. */
    public static final List<String> ALL_CONTENT_TYPES = List.of(
            RecordFactory.AAD, RecordFactory.EXCHANGE, RecordFactory.SHAREPOINT, RecordFactory.GENERAL, RecordFactory.DLP);

    private static final Logger LOG = LoggerFactory.getLogger(ManagementApiSimulator.class);
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DNS_NAME =
            Pattern.compile("(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}");
    private static final Pattern CONTENT_ID =
            Pattern.compile("\\d{17,23}\\$\\d{17,23}\\$[A-Za-z0-9_]+\\$[A-Za-z0-9_]+\\$[A-Za-z0-9_]+(\\$[A-Za-z0-9_]+)*");
    private static final String JSON_UTF8 = "application/json; charset=utf-8";
    private static final String HTML = "text/html";
    /** Records in a {@link PoisonKind#TRUNCATED} or {@link PoisonKind#RECORD_WITHOUT_ID} body. */
    private static final int POISON_RECORDS = 20;
    private static final Duration MAX_WINDOW = Duration.ofHours(24);
    private static final int MAX_PAGE_TOKENS = 100_000;
    private static final String NO_PUBLISHER = "00000000-0000-0000-0000-000000000000";
    /** Scopes MSAL adds to every request; Entra ignores them for client credentials. */
    private static final Set<String> OPENID_SCOPES = Set.of("openid", "profile", "offline_access");
    private static final String GATEWAY_PAGE =
            "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    /** injectFault's codes for a dropped connection (not HTTP statuses). */
    private static final int DROP_BEFORE = -1;
    private static final int DROP_MID = -2;

    // ------------------------------------------------------------------ configuration (shared by every tenant)
    private final int configuredPort;
    private final boolean https;
    /** Microsoft host names the simulator plays behind a tunnelling proxy (certificate names, URLs it writes). */
    private final Set<String> playedHosts;
    private final String cloudResource;
    private final int pageSize;
    private final Duration tokenLifetime;
    private final boolean shuffleListings;
    private final boolean repeatBlobsInListing;
    private final Duration retention;
    private final Duration retentionGrace;
    private final int recordSizeBytes;
    private final double duplicateRecordShare;
    private final boolean subscriptionsInitiallyEnabled;
    private final Clock clock;

    // ------------------------------------------------------------------ state (shared by every tenant)
    private final ObjectMapper mapper = new ObjectMapper();
    private final SecureRandom secureRandom = new SecureRandom();
    /** The Builder's own tenant: what the top-level content, fault and counter methods act on. */
    private final Tenant primary;
    /** Every tenant: the primary first, then those of Builder.tenant in the order they were added. */
    private final List<Tenant> tenants;
    /** Every tenant by its lower-cased GUID and by its lower-cased domain. */
    private final Map<String, Tenant> tenantsByKey = new HashMap<>();
    private final ConcurrentHashMap<String, IssuedToken> tokens = new ConcurrentHashMap<>();
    private volatile Duration slowResponseDelay;

    private final ConcurrentHashMap<RequestKind, Stall> pendingStalls = new ConcurrentHashMap<>();
    private final Set<Stall> activeStalls = ConcurrentHashMap.newKeySet();

    private volatile HttpServer server;
    private volatile HttpsServer httpsServer;
    private volatile ExecutorService executor;
    private volatile int boundPort = -1;
    private volatile int boundHttpsPort = -1;
    private volatile TestCertificate serverCertificate;

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

    private static final class StoredBlob {
        final Blob blob;
        final byte[] body;          // the exact body served (a JSON array for normal blobs)
        final int[] offsets;        // start,end pairs of each deliverable record inside body (none for poison/foreign)
        final String mediaType;     // Content-Type of a 200 answer
        final PoisonKind poison;    // non-null for addPoisonBlob
        final String foreignUri;    // non-null for addForeignBlob: listed contentUri, never served here
        final HostileEntry hostile; // non-null for addHostileReference
        volatile boolean expired;   // expireBlob
        volatile byte[] gzipped;

        StoredBlob(Blob blob, byte[] body, int[] offsets) {
            this(blob, body, offsets, JSON_UTF8, null, null);
        }

        StoredBlob(Blob blob, byte[] body, int[] offsets, String mediaType, PoisonKind poison, String foreignUri) {
            this(blob, body, offsets, mediaType, poison, foreignUri, null);
        }

        StoredBlob(Blob blob, byte[] body, int[] offsets, String mediaType, PoisonKind poison, String foreignUri,
                   HostileEntry hostile) {
            this.blob = blob;
            this.body = body;
            this.offsets = offsets;
            this.mediaType = mediaType;
            this.poison = poison;
            this.foreignUri = foreignUri;
            this.hostile = hostile;
        }

        /**
         * A normal blob (or a HUGE_RECORD reference: its offsets name only its normal records) not expired by
         * expireBlob: its records count in recordsByContentType/recordCount.
         */
        boolean deliverable() {
            return poison == null && foreignUri == null && !expired
                    && (hostile == null || hostile.kind() == HostileReference.HUGE_RECORD);
        }

        /** Served here from its stored body like any blob (gzip when asked, failures, stalls): not foreign, not hostile. */
        boolean plainBody() {
            return foreignUri == null && (hostile == null || hostile.kind().plainBody());
        }

        Instant created() {
            return blob.contentCreated();
        }

        String id() {
            return blob.contentId();
        }

        List<String> records() {
            List<String> out = new ArrayList<>(offsets.length / 2);
            for (int i = 0; i < offsets.length; i += 2) {
                out.add(new String(body, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8));
            }
            return out;
        }
    }

    private static final Comparator<StoredBlob> BY_CREATED =
            Comparator.comparing(StoredBlob::created).thenComparing(StoredBlob::id);

    private record IssuedToken(String tenant, long expiresAtMillis) {
    }

    /** The settings of one tenant, defaults filled in. */
    private record TenantSettings(String tenantId, String tenantDomain, String clientId, String clientSecret,
                                  List<X509Certificate> clientCertificates, List<String> contentTypes,
                                  int blobsPerContentType, int recordsPerBlob, Duration backlog, long seed,
                                  Faults faults) {
    }

    private ManagementApiSimulator(Builder b) {
        this.configuredPort = b.port;
        this.https = b.https;
        this.playedHosts = Set.copyOf(b.playedHosts);
        this.cloudResource = stripTrailingSlash(b.cloudResource);
        this.pageSize = b.pageSize;
        this.tokenLifetime = b.tokenLifetime;
        this.shuffleListings = b.shuffleListings;
        this.repeatBlobsInListing = b.repeatBlobsInListing;
        this.retention = b.retention;
        this.retentionGrace = b.retentionGrace;
        this.recordSizeBytes = b.recordSizeBytes;
        this.duplicateRecordShare = b.duplicateRecordShare;
        this.subscriptionsInitiallyEnabled = b.subscriptionsInitiallyEnabled;
        this.clock = b.clock;
        this.slowResponseDelay = b.slowResponseDelay;
        long seed = b.seed != null ? b.seed : System.nanoTime();
        List<Tenant> all = new ArrayList<>();
        all.add(new Tenant(new TenantSettings(b.tenantId, b.tenantDomain, b.clientId, b.clientSecret,
                List.copyOf(b.clientCertificates), List.copyOf(b.contentTypes), b.blobsPerContentType,
                b.recordsPerBlob, b.backlog, seed, b.faults)));
        for (TenantSpec spec : b.tenants) {
            int n = all.size() + 1; // the primary is tenant 1
            List<X509Certificate> certificates = spec.clientCertificates();
            all.add(new Tenant(new TenantSettings(spec.tenantId(),
                    orElse(spec.tenantDomainOrNull(), "tenant" + n + "-sim.onmicrosoft.com"),
                    orElse(spec.clientIdOrNull(), b.clientId),
                    orElse(spec.clientSecretOrNull(), b.clientSecret),
                    certificates.isEmpty() ? List.copyOf(b.clientCertificates) : certificates,
                    orElse(spec.contentTypesOrNull(), List.copyOf(b.contentTypes)),
                    orElse(spec.blobsPerContentTypeOrNull(), b.blobsPerContentType),
                    orElse(spec.recordsPerBlobOrNull(), b.recordsPerBlob),
                    orElse(spec.backlogOrNull(), b.backlog),
                    // a seed of its own: the same seed would give two tenants the same records and contentIds
                    orElse(spec.seedOrNull(), seed + 0x9E3779B97F4A7C15L * (n - 1)),
                    Faults.none())));
        }
        for (Tenant t : all) {
            if (tenantsByKey.putIfAbsent(t.tenantId.toLowerCase(Locale.ROOT), t) != null) {
                throw new IllegalArgumentException("two tenants with the id " + t.tenantId);
            }
            if (tenantsByKey.putIfAbsent(t.tenantDomain.toLowerCase(Locale.ROOT), t) != null) {
                throw new IllegalArgumentException("two tenants with the domain " + t.tenantDomain);
            }
        }
        this.tenants = List.copyOf(all);
        this.primary = all.get(0);
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ================================================================== lifecycle

    /**
     * Generates the initial backlog of every tenant and binds 127.0.0.1 on the configured port (0 = a free port); with
     * {@link Builder#https(boolean)} also makes the server certificate and binds a second, free port with TLS.
     */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        for (Tenant t : tenants) {
            t.generateBacklog();
        }
        AtomicInteger threads = new AtomicInteger();
        // 16 threads, shared by both listeners: a held exchange (stallNext) occupies one of them
        ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "o365-api-simulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress("127.0.0.1", configuredPort), 128);
        } catch (IOException e) {
            pool.shutdownNow();
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + configuredPort, e);
        }
        s.setExecutor(pool);
        s.createContext("/", this::handle);
        HttpsServer tls = null;
        if (https) {
            try {
                List<String> names = new ArrayList<>(List.of("127.0.0.1", "localhost"));
                names.addAll(playedHosts);
                TestCertificate certificate = TestCertificate.generate("o365-api-simulator",
                        names.toArray(new String[0]));
                tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
                tls.setHttpsConfigurator(new HttpsConfigurator(serverSslContext(certificate)));
                tls.setExecutor(pool);
                tls.createContext("/", this::handle);
                this.serverCertificate = certificate;
            } catch (IOException | GeneralSecurityException e) {
                pool.shutdownNow();
                s.stop(0);
                throw new IllegalStateException("cannot start the https listener on 127.0.0.1", e);
            }
        }
        s.start();
        this.executor = pool;
        this.boundPort = s.getAddress().getPort();
        this.server = s;
        if (tls != null) {
            tls.start();
            this.boundHttpsPort = tls.getAddress().getPort();
            this.httpsServer = tls;
        }
        LOG.info("Office 365 Management API simulator listening on {}{} (tenants {})", baseUrl(),
                tls != null ? " and " + httpsBaseUrl() : "", tenantIds());
    }

    /** A TLS context presenting that certificate and its key (a key store in memory). */
    private static SSLContext serverSslContext(TestCertificate certificate)
            throws IOException, GeneralSecurityException {
        char[] password = "simulator".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", certificate.keyPair().getPrivate(), password,
                new Certificate[] {certificate.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /**
     * Stops both listeners (idempotent). Held exchanges (see {@link #stallNext}) are aborted: their connections
     * closed.
     */
    @Override
    public synchronized void close() {
        serverCertificateFile = null;
        HttpServer s = server;
        if (s != null) {
            s.stop(0); // closes every connection, held ones included, before their handlers wake up below
            server = null;
        }
        HttpsServer tls = httpsServer;
        if (tls != null) {
            tls.stop(0);
            httpsServer = null;
        }
        pendingStalls.clear();
        for (Stall stall : activeStalls) {
            stall.abort();
        }
        ExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
            executor = null;
        }
    }

    public int port() {
        if (boundPort < 0) {
            throw new IllegalStateException("not started");
        }
        return boundPort;
    }

    /** {@code http://127.0.0.1:<port>}: the login URL and the API URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * {@code https://127.0.0.1:<port>}: the login URL and the API URL over TLS (the same endpoints and state as
     * {@link #baseUrl()}); a client must trust {@link #serverCertificate()}.
     *
     * @throws IllegalStateException when https is off ({@link Builder#https(boolean)}) or before {@link #start()}
     */
    public String httpsBaseUrl() {
        requireHttps();
        return "https://127.0.0.1:" + boundHttpsPort;
    }

    /**
     * The self-signed certificate of the https listener (made at {@link #start()}, valid from an hour before for a
     * day; subject alternative names IP 127.0.0.1 and DNS localhost): what a client must trust.
     *
     * @throws IllegalStateException when https is off or before {@link #start()}
     */
    public X509Certificate serverCertificate() {
        requireHttps();
        return serverCertificate.certificate();
    }

    /** {@link #serverCertificate()} as PEM ({@code -----BEGIN CERTIFICATE-----}), e.g. for a trust store file. */
    public String serverCertificatePem() {
        requireHttps();
        return serverCertificate.certificatePem();
    }

    /**
     * {@link #serverCertificatePem()} in a temporary file (written once), for the collector's
     * {@code o365.trusted-certificates}.
     */
    public synchronized java.nio.file.Path serverCertificateFile() {
        requireHttps();
        if (serverCertificateFile == null) {
            try {
                serverCertificateFile = java.nio.file.Files.createTempFile("o365-simulator-", ".pem");
                serverCertificateFile.toFile().deleteOnExit();
                java.nio.file.Files.writeString(serverCertificateFile, serverCertificatePem());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return serverCertificateFile;
    }

    private java.nio.file.Path serverCertificateFile;

    private void requireHttps() {
        if (!https) {
            throw new IllegalStateException("https is off: ManagementApiSimulator.builder().https(true)");
        }
        if (boundHttpsPort < 0) {
            throw new IllegalStateException("not started");
        }
    }

    /** The base URL the request arrived on: {@link #httpsBaseUrl()} over TLS, else {@link #baseUrl()}. */
    private String baseUrlOf(HttpExchange ex) {
        if (ex instanceof HttpsExchange) {
            // reached through a tunnel to a host it plays: the URLs it writes name that host, as Microsoft's do
            String host = ex.getRequestHeaders().getFirst("Host");
            String name = host == null ? "" : host.trim().replaceFirst(":443$", "");
            return playedHosts.contains(name) ? "https://" + name : httpsBaseUrl();
        }
        return baseUrl();
    }

    /** The primary tenant's id. */
    public String tenantId() {
        return primary.tenantId;
    }

    /** The primary tenant's client id. */
    public String clientId() {
        return primary.clientId;
    }

    /** The primary tenant's client secret. */
    public String clientSecret() {
        return primary.clientSecret;
    }

    /** A verified domain of the primary tenant, accepted in place of the GUID on the token endpoints only. */
    public String tenantDomain() {
        return primary.tenantDomain;
    }

    /** The resource / scope prefix accepted by the token endpoints, e.g. {@code https://manage.office.com}. */
    public String cloudResource() {
        return cloudResource;
    }

    /** Every tenant's id: the primary's first, then those of {@link Builder#tenant} in the order they were added. */
    public List<String> tenantIds() {
        return tenants.stream().map(t -> t.tenantId).toList();
    }

    /**
     * The view of one tenant (the primary one included), by its GUID (case-insensitive).
     *
     * @throws IllegalArgumentException for an id that is no tenant's
     */
    public Tenant tenant(String tenantId) {
        Tenant t = tenantId == null || !GUID.matcher(tenantId).matches() ? null
                : tenantsByKey.get(tenantId.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException("no tenant " + tenantId + "; tenants: " + tenantIds());
        }
        return t;
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

    private record NewId(String id, Instant aggregationStart) {
    }

    /** The deliverable blob with the latest contentCreated (the source of the service's own duplicates), or null. */
    private static StoredBlob lastDeliverable(NavigableSet<StoredBlob> set) {
        for (java.util.Iterator<StoredBlob> it = set.descendingIterator(); it.hasNext(); ) {
            StoredBlob b = it.next();
            if (b.deliverable()) {
                return b;
            }
        }
        return null;
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

    /** Answers AF10001 when the content type's permission is withheld in t, and returns false; true otherwise. */
    private boolean requirePermission(HttpExchange ex, Tenant t, String type) throws IOException {
        if (!t.withheldPermissions.contains(type)) {
            return true;
        }
        String needed = type.equals("DLP.All") ? "ActivityFeed.ReadDlp" : "ActivityFeed.Read";
        apiError(ex, 401, "AF10001", "The permission set (" + (needed.equals("ActivityFeed.Read") ? ""
                : "ActivityFeed.Read") + ") sent in the request does not include the expected permission " + needed
                + ".");
        return false;
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

    public int startCallCount() {
        return primary.startCallCount();
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
     * {@link Tenant#revokeTokens()} revokes those of one tenant.
     */
    public void revokeTokens() {
        tokens.clear();
    }

    /**
     * Faults injected into one tenant's API calls (everything under {@code /api/} whose path names that tenant, not
     * the token endpoint). Settable at any time with {@link #faults(Faults)} (the primary tenant, which also gets the
     * requests naming no tenant of the simulator) or {@link Tenant#faults(Faults)}; default {@link #none()}.
     *
     * <p>Decided per API request, on arrival, before any other processing (authentication included), with a random
     * generator of the tenant, seeded from the tenant's seed: with probability {@code throttleShare} the answer is
     * {@code throttleStatus} (429 or 403) with {@code {"error":{"code":"AF429","message":"Too many requests.
     * Method=<GetBlob|GetContents|StartSubscription|...>, PublisherId=<the request's PublisherIdentifier, else
     * 00000000-0000-0000-0000-000000000000>"}}} and, when {@code retryAfterSeconds} is not null, a
     * {@code Retry-After: <seconds>} header; else with probability {@code serverErrorShare} 503 or 500 (at random)
     * with AF50000; else with probability {@code htmlErrorShare} a 502 {@code text/html} gateway page; else with
     * probability {@code timeoutShare} a 408 with {@code {"error":{"code":"RequestTimeout","message":"The request
     * timed out. Retry the request."}}}; else with probability {@code dropShare} the connection is dropped (see
     * below); otherwise the request is processed normally. A faulted request counts in {@link #totalApiCalls()},
     * {@link #apiRequestTimes()} and its fault's counter only: never as a blob download, a listing call or a start. A request of a kind with a
     * pending stall ({@link #stallNext}) is never faulted, so the stall always gets its request. A share that is 0
     * draws nothing from the random generator: with both network shares 0 a seed gives the same faults as it did
     * before they existed.
     *
     * <p>A dropped request: for a blob GET of a blob served here ({@code GET .../audit/{contentId}}, the blob known
     * and not foreign), at random (50/50) either the connection is closed without any response byte, or the
     * simulator sends 200, the headers with the full {@code Content-Length} and the first half of the bytes it would
     * send (gzip-compressed when the client accepts gzip; the blob's body as stored, whatever its state), then closes
     * the connection; for any other API request the connection is always closed without any response byte. Drops
     * count in {@link #droppedConnectionCount()}, 408s in {@link #timeoutCount()}.
     *
     * <p>The five-argument constructor (no network faults) is kept for existing callers;
     * {@link #withNetworkFaults(double, double)} adds them to any instance.
     *
     * @param throttleShare     probability in [0, 1] of an AF429 answer
     * @param throttleStatus    429 or 403 (the status Microsoft's own example shows)
     * @param retryAfterSeconds Retry-After value sent with AF429 (>= 0), or null for none (the documented behaviour)
     * @param serverErrorShare  probability in [0, 1] of an AF50000 500/503, among the requests not throttled
     * @param htmlErrorShare    probability in [0, 1] of an HTML 502, among the requests neither throttled nor 5xx-JSON
     * @param timeoutShare      probability in [0, 1] of a 408 (JSON body), among the requests not answered by any of
     *                          the above
     * @param dropShare         probability in [0, 1] of a dropped connection, among the requests not answered by any
     *                          of the above (408 included)
     */
    public record Faults(double throttleShare, int throttleStatus, Integer retryAfterSeconds,
                         double serverErrorShare, double htmlErrorShare, double timeoutShare, double dropShare) {

        /** Validates every component (see the parameters above); IllegalArgumentException on an invalid one. */
        public Faults {
            requireShare(throttleShare, "throttleShare");
            requireShare(serverErrorShare, "serverErrorShare");
            requireShare(htmlErrorShare, "htmlErrorShare");
            requireShare(timeoutShare, "timeoutShare");
            requireShare(dropShare, "dropShare");
            if (throttleStatus != 429 && throttleStatus != 403) {
                throw new IllegalArgumentException("throttleStatus must be 429 or 403: " + throttleStatus);
            }
            if (retryAfterSeconds != null && retryAfterSeconds < 0) {
                throw new IllegalArgumentException("retryAfterSeconds must be >= 0: " + retryAfterSeconds);
            }
        }

        /**
         * HTTP-level faults only, no network faults: {@code timeoutShare} and {@code dropShare} 0. The constructor of
         * the original five-component record, kept for existing callers.
         */
        public Faults(double throttleShare, int throttleStatus, Integer retryAfterSeconds, double serverErrorShare,
                      double htmlErrorShare) {
            this(throttleShare, throttleStatus, retryAfterSeconds, serverErrorShare, htmlErrorShare, 0, 0);
        }

        /** No faults: all shares zero, throttleStatus 429, no Retry-After. */
        public static Faults none() {
            return new Faults(0, 429, null, 0, 0);
        }

        /** A copy with these network fault shares (408 and dropped connections); the other components unchanged. */
        public Faults withNetworkFaults(double timeoutShare, double dropShare) {
            return new Faults(throttleShare, throttleStatus, retryAfterSeconds, serverErrorShare, htmlErrorShare,
                    timeoutShare, dropShare);
        }

        private boolean any() {
            return throttleShare > 0 || serverErrorShare > 0 || htmlErrorShare > 0 || timeoutShare > 0 || dropShare > 0;
        }

        private static void requireShare(double share, String what) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException(what + " must be in [0, 1]: " + share);
            }
        }
    }

    /**
     * Replaces the faults injected into the primary tenant's API calls (see {@link Faults}); takes effect for requests
     * arriving from now on. Each tenant has its own: {@link Tenant#faults(Faults)}.
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
     * delay). Default 5 s, or {@link Builder#slowResponseDelay}.
     *
     * @throws IllegalArgumentException for a negative delay
     */
    public void slowResponseDelay(Duration delay) {
        this.slowResponseDelay = requireNonNegative(delay, "slowResponseDelay");
    }

    /** The current delay of {@link BlobFailure#SLOW_RESPONSE}. */
    public Duration slowResponseDelay() {
        return slowResponseDelay;
    }

    private static Duration requireNonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + d);
        }
        return d;
    }

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
     * replaces an unused one. See the class documentation.
     */
    public Stall stallNext(RequestKind kind, int bytesBeforeStall) {
        Objects.requireNonNull(kind, "kind");
        if (bytesBeforeStall < 0) {
            throw new IllegalArgumentException("bytesBeforeStall must be >= 0");
        }
        Stall stall = new Stall(this, kind, bytesBeforeStall);
        pendingStalls.put(kind, stall);
        return stall;
    }

    /** A request held by {@link #stallNext}; thread-safe. */
    public static final class Stall {
        private final ManagementApiSimulator owner;
        private final RequestKind kind;
        private final int bytesBeforeStall;
        private final CountDownLatch stalled = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean aborted;
        private volatile String contentId;

        private Stall(ManagementApiSimulator owner, RequestKind kind, int bytesBeforeStall) {
            this.owner = owner;
            this.kind = kind;
            this.bytesBeforeStall = bytesBeforeStall;
        }

        /** Waits until a request is being held (its first bytes flushed); true if it is, false on timeout. */
        public boolean awaitStalled(Duration timeout) {
            try {
                return stalled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** For {@link RequestKind#BLOB}: the held blob's contentId; null for a listing or before a request took it. */
        public String contentId() {
            return contentId;
        }

        /**
         * Lets the held response complete. Idempotent, never throws (also not when the client has gone away). Called
         * before any request was held, it cancels the stall: no request will be held.
         */
        public void release() {
            owner.pendingStalls.remove(kind, this);
            released.countDown();
        }

        private void abort() {
            aborted = true;
            released.countDown();
        }

        /** Marks the request held and blocks; true when released, false when aborted (close()). */
        private boolean hold() {
            stalled.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return !aborted;
        }
    }

    /** The pending stall of that kind, now bound to this request; null if none. */
    private Stall claimStall(RequestKind kind, String contentId) {
        Stall stall = pendingStalls.remove(kind);
        if (stall != null) {
            stall.contentId = contentId;
            activeStalls.add(stall);
            if (server == null) {
                stall.abort(); // close() ran concurrently (it clears server before aborting activeStalls)
            }
        }
        return stall;
    }

    // ================================================================== HTTP

    /** Both listeners' handler. */
    private void handle(HttpExchange ex) {
        Tenant counted = null; // the tenant an API request counts in
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String rawPath = ex.getRequestURI().getRawPath();
            List<String> segs = pathSegments(rawPath);
            Map<String, String> query = queryParameters(ex.getRequestURI().getRawQuery());
            if (segs == null) {
                notFound(ex);
            } else if (segs.size() == 3 && segs.get(1).equals("oauth2") && segs.get(2).equals("token")) {
                token(ex, segs.get(0), false, body);
            } else if (segs.size() == 4 && segs.get(1).equals("oauth2") && segs.get(2).equals("v2.0")
                    && segs.get(3).equals("token")) {
                token(ex, segs.get(0), true, body);
            } else if (segs.size() >= 5 && segs.get(0).equals("api")
                    && (segs.get(1).equals("v1.0") || segs.get(1).equals("v1"))
                    && segs.get(3).equals("activity") && segs.get(4).equals("feed")) {
                counted = apiTenant(segs.get(2));
                counted.apiCalls.incrementAndGet();
                synchronized (counted.apiRequestTimes) {
                    counted.apiRequestTimes.add(now());
                }
                List<String> op = segs.subList(5, segs.size());
                if (!injectFault(ex, counted, op, query)) {
                    api(ex, segs.get(2), op, query, body);
                }
            } else {
                notFound(ex);
            }
        } catch (Throwable t) {
            try {
                if (ex.getResponseCode() < 0) {
                    apiError(ex, 500, "AF50000", "An internal error occurred. Retry the request.");
                    if (counted != null) {
                        counted.serverErrorCalls.incrementAndGet();
                    }
                }
            } catch (Throwable ignored) {
                // nothing more to do
            }
        } finally {
            ex.close();
        }
    }

    /**
     * The tenant an API path names (its GUID, case-insensitive); the primary tenant when it names none, so that a
     * request to an unknown or malformed tenant counts, and is faulted, as it always was in a single-tenant simulator.
     */
    private Tenant apiTenant(String pathTenant) {
        Tenant t = GUID.matcher(pathTenant).matches() ? tenantsByKey.get(pathTenant.toLowerCase(Locale.ROOT)) : null;
        return t != null ? t : primary;
    }

    /** The tenant a token endpoint path names (GUID or verified domain, case-insensitive), or null. */
    private Tenant tokenTenant(String pathTenant) {
        return tenantsByKey.get(pathTenant.toLowerCase(Locale.ROOT));
    }

    // ------------------------------------------------------------------ fault injection

    /**
     * Answers the request with a fault injected by t's {@link Faults} (drawn from t's generator, counted in t) and
     * returns true, or returns false.
     */
    private boolean injectFault(HttpExchange ex, Tenant t, List<String> op, Map<String, String> q) throws IOException {
        Faults f = t.faults;
        if (!f.any()) {
            return false;
        }
        RequestKind stallable = stallableKind(ex.getRequestMethod(), op);
        if (stallable != null && pendingStalls.containsKey(stallable)) {
            return false; // a stalled request is never faulted
        }
        // a blob GET that can be dropped mid-body: the blob is served here
        StoredBlob blob = stallable == RequestKind.BLOB ? t.blobsById.get(op.get(1)) : null;
        if (blob != null && !blob.plainBody()) {
            blob = null;
        }
        int status;
        Random faultRandom = t.faultRandom;
        synchronized (faultRandom) {
            if (f.throttleShare() > 0 && faultRandom.nextDouble() < f.throttleShare()) {
                status = f.throttleStatus();
            } else if (f.serverErrorShare() > 0 && faultRandom.nextDouble() < f.serverErrorShare()) {
                status = faultRandom.nextBoolean() ? 503 : 500;
            } else if (f.htmlErrorShare() > 0 && faultRandom.nextDouble() < f.htmlErrorShare()) {
                status = 502;
            } else if (f.timeoutShare() > 0 && faultRandom.nextDouble() < f.timeoutShare()) {
                status = 408;
            } else if (f.dropShare() > 0 && faultRandom.nextDouble() < f.dropShare()) {
                status = blob != null && faultRandom.nextBoolean() ? DROP_MID : DROP_BEFORE;
            } else {
                return false;
            }
        }
        switch (status) {
            case 408 -> requestTimeout(ex, t);
            case DROP_BEFORE -> dropBeforeResponse(ex, t);
            case DROP_MID -> {
                boolean gzip = ApiResponses.acceptsGzip(ex.getRequestHeaders());
                dropMidBody(ex, t, payload(blob, gzip), gzip, blob.mediaType);
            }
            case 429, 403 -> {
                String publisher = q.get("publisheridentifier");
                publisher = isBlank(publisher) ? NO_PUBLISHER : publisher.trim();
                if (f.retryAfterSeconds() != null) {
                    ex.getResponseHeaders().set("Retry-After", Integer.toString(f.retryAfterSeconds()));
                }
                t.throttledCalls.incrementAndGet();
                apiError(ex, status, "AF429", "Too many requests. Method=" + operationName(ex.getRequestMethod(), op)
                        + ", PublisherId=" + publisher);
            }
            case 500, 503 -> {
                t.serverErrorCalls.incrementAndGet();
                apiError(ex, status, "AF50000", "An internal error occurred. Retry the request.");
            }
            default -> gatewayError(ex, t);
        }
        return true;
    }

    /** 502 with the HTML gateway page; counts as a server error of t. */
    private void gatewayError(HttpExchange ex, Tenant t) throws IOException {
        t.serverErrorCalls.incrementAndGet();
        sendApi(ex, 502, RecordFactory.utf8(GATEWAY_PAGE), false, HTML);
    }

    /** 408 with a JSON error body; counts in t's timeoutCount(). */
    private void requestTimeout(HttpExchange ex, Tenant t) throws IOException {
        t.timeoutCalls.incrementAndGet();
        apiError(ex, 408, "RequestTimeout", "The request timed out. Retry the request.");
    }

    /**
     * Closes the connection without any response byte. HttpExchange.close() before sendResponseHeaders closes the
     * underlying connection (no response can be sent any more); handle()'s own close() is then a no-op.
     */
    private void dropBeforeResponse(HttpExchange ex, Tenant t) {
        t.droppedConnections.incrementAndGet();
        ex.close();
    }

    /**
     * Sends 200 with the full Content-Length of {@code payload} (the bytes as they would be sent: gzip-compressed
     * when {@code gzip}), flushes the first half of them, then closes the connection: HttpExchange.close() with a
     * fixed-length body not fully written fails to close the body stream ("insufficient bytes written") and closes
     * the connection instead. An IOException while writing (the client went away) propagates.
     */
    private void dropMidBody(HttpExchange ex, Tenant t, byte[] payload, boolean gzip, String mediaType)
            throws IOException {
        t.droppedConnections.incrementAndGet();
        ApiResponses.apiHeaders(ex, gzip, mediaType);
        ex.sendResponseHeaders(200, payload.length);
        OutputStream out = ex.getResponseBody();
        out.write(payload, 0, payload.length / 2);
        out.flush();
        ex.close();
    }

    /** The kind of request {@link #stallNext} can hold that this one is, or null. */
    private static RequestKind stallableKind(String method, List<String> op) {
        if (!method.equals("GET") || op.size() != 2) {
            return null;
        }
        if (op.get(0).equalsIgnoreCase("audit") && !op.get(1).isEmpty()) {
            return RequestKind.BLOB;
        }
        if (op.get(0).equalsIgnoreCase("subscriptions") && op.get(1).equalsIgnoreCase("content")) {
            return RequestKind.LISTING;
        }
        return null;
    }

    /** The service's name of the operation, as in an AF429 message ({@code Method=GetBlob}). */
    private static String operationName(String method, List<String> op) {
        if (op.size() == 2 && op.get(0).equalsIgnoreCase("subscriptions")) {
            switch (op.get(1).toLowerCase(Locale.ROOT)) {
                case "start":
                    return "StartSubscription";
                case "stop":
                    return "StopSubscription";
                case "list":
                    return "ListSubscriptions";
                case "content":
                    return "GetContents";
                case "notifications":
                    return "GetNotifications";
                default:
                    break;
            }
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("audit")) {
            return "GetBlob";
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("resources")) {
            return "GetResourceFriendlyNames";
        }
        return method.equals("POST") ? "Post" : "Get";
    }

    // ------------------------------------------------------------------ token endpoint

    /**
     * A token endpoint request ({@code tenant}: the path's tenant, as sent). Counted in the tenant it names, or in the
     * primary tenant when it names none. Never faulted.
     */
    private void token(HttpExchange ex, String tenant, boolean v2, byte[] body) throws IOException {
        Tenant t = tokenTenant(tenant);
        (t != null ? t : primary).tokenCalls.incrementAndGet();
        if (!ex.getRequestMethod().equals("POST")) {
            aadError(ex, 400, "invalid_request", 900561,
                    "The endpoint only accepts POST, OPTIONS requests. Received a " + ex.getRequestMethod() + " request.");
            return;
        }
        if (!GUID.matcher(tenant).matches() && !DNS_NAME.matcher(tenant).matches()) {
            aadError(ex, 400, "invalid_request", 900023,
                    "Specified tenant identifier '" + tenant + "' is neither a valid DNS name, nor a valid external domain.");
            return;
        }
        if (t == null) {
            aadError(ex, 400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have "
                    + "the correct tenant ID and are signing into the correct cloud. Check with your subscription "
                    + "administrator, this may happen if there are no active subscriptions for the tenant.");
            return;
        }
        Map<String, String> form = formParameters(new String(body, StandardCharsets.UTF_8));
        String basicId = null;
        String basicSecret = null;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon >= 0) {
                    basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                    basicSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                aadError(ex, 401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is "
                        + "required for the 'client_credentials' grant type.");
                return;
            }
        }
        String grant = form.get("grant_type");
        if (isBlank(grant)) {
            missingParameter(ex, "grant_type");
            return;
        }
        if (!grant.equals("client_credentials")) {
            aadError(ex, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'.");
            return;
        }
        String id = !isBlank(form.get("client_id")) ? form.get("client_id") : basicId;
        if (isBlank(id)) {
            missingParameter(ex, "client_id");
            return;
        }
        if (v2) {
            if (form.containsKey("resource")) {
                aadError(ex, 400, "invalid_request", 901002, "The 'resource' request parameter is not supported.");
                return;
            }
            String scope = form.get("scope");
            if (isBlank(scope)) {
                missingParameter(ex, "scope");
                return;
            }
            if (!isClientCredentialsScope(scope)) {
                aadError(ex, 400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. "
                        + "The provided value for the input parameter 'scope' is not valid. The scope " + scope
                        + " is not valid. Client credential flows must have a scope value with /.default suffixed to "
                        + "the resource identifier (application ID URI).");
                return;
            }
        } else {
            String resource = form.get("resource");
            if (isBlank(resource)) {
                missingParameter(ex, "resource");
                return;
            }
            if (!stripTrailingSlash(resource.trim()).equals(cloudResource)) {
                aadError(ex, 400, "invalid_resource", 500011, "The resource principal named " + resource + " was not "
                        + "found in the tenant named " + t.tenantDomain + ". This can happen if the application has "
                        + "not been installed by the administrator of the tenant or consented to by any user in the "
                        + "tenant. You might have sent your authentication request to the wrong tenant.");
                return;
            }
        }
        if (!id.equalsIgnoreCase(t.clientId)) {
            aadError(ex, 400, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found in "
                    + "the directory '" + t.tenantDomain + "'. This can happen if the application has not been "
                    + "installed by the administrator of the tenant or consented to by any user in the tenant. You may "
                    + "have sent your authentication request to the wrong tenant.");
            return;
        }
        String secret = form.get("client_secret") != null ? form.get("client_secret") : basicSecret;
        String assertion = form.get("client_assertion");
        String assertionType = form.get("client_assertion_type");
        boolean certificate = assertion != null || assertionType != null;
        if (certificate) {
            if (secret != null) {
                // Entra's answer to two credentials is undocumented; 700025 is its code for a credential that must
                // not be presented (RFC 6749 section 2.3: one authentication method per request)
                aadError(ex, 400, "invalid_request", 700025, "Only one client credential may be presented: the "
                        + "request has both a 'client_secret' and a 'client_assertion'.");
                return;
            }
            if (!verifyAssertion(ex, t, tenant, v2, assertionType, assertion)) {
                return;
            }
        } else {
            if (secret == null) {
                aadError(ex, 401, "invalid_client", 7000218,
                        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
                return;
            }
            if (!secret.equals(t.clientSecret)) {
                aadError(ex, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being "
                        + "sent in the request is the client secret value, not the client secret ID, for a secret added "
                        + "to app '" + t.clientId + "'.");
                return;
            }
        }
        Instant now = now();
        long lifetimeSeconds = Math.max(0, tokenLifetime.toSeconds());
        String accessToken = newAccessToken(now, t, certificate);
        tokens.put(accessToken, new IssuedToken(t.tenantId, now.plus(tokenLifetime).toEpochMilli()));
        pruneTokens(now);
        if (certificate) {
            t.certificateTokens.incrementAndGet();
        }
        ObjectNode out = mapper.createObjectNode();
        out.put("token_type", "Bearer");
        if (v2) {
            out.put("expires_in", lifetimeSeconds);
            out.put("ext_expires_in", lifetimeSeconds);
        } else {
            out.put("expires_in", Long.toString(lifetimeSeconds));
            out.put("ext_expires_in", Long.toString(lifetimeSeconds));
            out.put("expires_on", Long.toString(now.getEpochSecond() + lifetimeSeconds));
            out.put("not_before", Long.toString(now.getEpochSecond()));
            out.put("resource", cloudResource);
        }
        out.put("access_token", accessToken);
        sendToken(ex, 200, mapper.writeValueAsBytes(out));
    }

    /**
     * The v2 scope of client credentials: {@code <cloudResource>/.default}, alone or with the OpenID scopes
     * {@code openid}, {@code profile} and {@code offline_access} (MSAL4J adds all three to every request, Entra
     * ignores them for client credentials).
     */
    private boolean isClientCredentialsScope(String scope) {
        int resources = 0;
        for (String s : scope.trim().split("\\s+")) {
            if (s.equals(cloudResource + "/.default")) {
                resources++;
            } else if (!OPENID_SCOPES.contains(s)) {
                return false;
            }
        }
        return resources == 1;
    }

    /**
     * Checks the client assertion of a certificate request against t's certificates (see
     * {@link ClientAssertionVerifier} for the checks and their answers); answers and returns false when refused. A
     * missing {@code client_assertion_type} or {@code client_assertion} gets 400 AADSTS900144 (missing parameter), a
     * type other than {@code urn:ietf:params:oauth:client-assertion-type:jwt-bearer} 400 {@code invalid_request}
     * AADSTS50027 (Entra's code for that is undocumented). The {@code aud} may name the endpoint with the simulator's
     * base URL the request arrived on ({@code https://127.0.0.1:<port>}) or with the request's Host header (e.g.
     * {@code localhost:<port>}), and the tenant as in the path.
     */
    private boolean verifyAssertion(HttpExchange ex, Tenant t, String pathTenant, boolean v2, String type,
                                    String assertion) throws IOException {
        if (isBlank(type)) {
            missingParameter(ex, "client_assertion_type");
            return false;
        }
        if (!type.trim().equals(ClientAssertionVerifier.JWT_BEARER)) {
            aadError(ex, 400, "invalid_request", 50027, "JWT token is invalid or malformed. (The "
                    + "client_assertion_type '" + type + "' is not supported; use '" + ClientAssertionVerifier.JWT_BEARER
                    + "'.)");
            return false;
        }
        if (isBlank(assertion)) {
            missingParameter(ex, "client_assertion");
            return false;
        }
        String endpoint = "/" + pathTenant + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token");
        Set<String> audiences = new java.util.LinkedHashSet<>();
        audiences.add(baseUrlOf(ex) + endpoint);
        String host = ex.getRequestHeaders().getFirst("Host");
        if (!isBlank(host)) {
            audiences.add((ex instanceof HttpsExchange ? "https://" : "http://") + host.trim() + endpoint);
        }
        ClientAssertionVerifier.Rejection refused = t.assertionVerifier.verify(assertion, t.clientId, audiences, now());
        if (refused != null) {
            aadError(ex, refused.status(), refused.error(), refused.code(), refused.message());
            return false;
        }
        return true;
    }

    private void missingParameter(HttpExchange ex, String name) throws IOException {
        aadError(ex, 400, "invalid_request", 900144, "The request body must contain the following parameter: '" + name + "'.");
    }

    private void aadError(HttpExchange ex, int status, String error, int code, String message) throws IOException {
        String trace = java.util.UUID.randomUUID().toString();
        String clientRequestId = ex.getRequestHeaders().getFirst("client-request-id");
        String correlation = clientRequestId != null && GUID.matcher(clientRequestId).matches()
                ? clientRequestId : java.util.UUID.randomUUID().toString();
        String timestamp = ApiTime.AAD_TIMESTAMP.format(now());
        ObjectNode out = mapper.createObjectNode();
        out.put("error", error);
        out.put("error_description", "AADSTS" + code + ": " + message + "\r\nTrace ID: " + trace
                + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + timestamp);
        out.putArray("error_codes").add(code);
        out.put("timestamp", timestamp);
        out.put("trace_id", trace);
        out.put("correlation_id", correlation);
        out.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        sendToken(ex, status, mapper.writeValueAsBytes(out));
    }

    private void sendToken(HttpExchange ex, int status, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", JSON_UTF8);
        h.set("Cache-Control", "no-store, no-cache");
        h.set("Pragma", "no-cache");
        h.set("x-ms-request-id", java.util.UUID.randomUUID().toString());
        h.set("x-ms-ests-server", "2.1.19999.9 - SIM ProdSlices");
        ApiResponses.send(ex, status, body);
    }

    /**
     * An unsigned-looking JWT with the claims of an app-only manage.office.com token for t's app; validated by lookup
     * only. {@code appidacr} tells how the app authenticated: "1" with a secret, "2" with a certificate.
     */
    private String newAccessToken(Instant now, Tenant t, boolean certificate) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode header = mapper.createObjectNode();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5t", "c2ltdWxhdG9yLWtleQ");
        header.put("kid", "c2ltdWxhdG9yLWtleQ");
        ObjectNode claims = mapper.createObjectNode();
        long iat = now.getEpochSecond();
        claims.put("aud", cloudResource);
        claims.put("iss", "https://sts.windows.net/" + t.tenantId + "/");
        claims.put("iat", iat);
        claims.put("nbf", iat);
        claims.put("exp", iat + Math.max(0, tokenLifetime.toSeconds()));
        claims.put("appid", t.clientId);
        claims.put("appidacr", certificate ? "2" : "1");
        claims.put("idp", "https://sts.windows.net/" + t.tenantId + "/");
        // the app's service principal: one object per tenant
        String servicePrincipal = t == primary ? "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
                : java.util.UUID.nameUUIDFromBytes(RecordFactory.utf8("service-principal:" + t.tenantId)).toString();
        claims.put("oid", servicePrincipal);
        ArrayNode roles = claims.putArray("roles");
        roles.add("ActivityFeed.Read");
        roles.add("ActivityFeed.ReadDlp");
        roles.add("ServiceHealth.Read");
        claims.put("sub", servicePrincipal);
        claims.put("tid", t.tenantId);
        byte[] uti = new byte[16];
        byte[] signature = new byte[256];
        secureRandom.nextBytes(uti);
        secureRandom.nextBytes(signature);
        claims.put("uti", b64.encodeToString(uti));
        claims.put("ver", "1.0");
        try {
            return b64.encodeToString(mapper.writeValueAsBytes(header)) + "."
                    + b64.encodeToString(mapper.writeValueAsBytes(claims)) + "." + b64.encodeToString(signature);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pruneTokens(Instant now) {
        if (tokens.size() > 1000) {
            long cutoff = now.toEpochMilli();
            tokens.values().removeIf(t -> t.expiresAtMillis() <= cutoff);
        }
    }

    // ------------------------------------------------------------------ activity API

    private void api(HttpExchange ex, String tenant, List<String> op, Map<String, String> q, byte[] body)
            throws IOException {
        String method = ex.getRequestMethod();
        String expected;
        String route;
        if (op.size() == 2 && op.get(0).equalsIgnoreCase("subscriptions")) {
            route = op.get(1).toLowerCase(Locale.ROOT);
            switch (route) {
                case "start", "stop" -> expected = "POST";
                case "list", "content", "notifications" -> expected = "GET";
                default -> {
                    notFound(ex);
                    return;
                }
            }
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("audit") && !op.get(1).isEmpty()) {
            route = "audit";
            expected = "GET";
        } else if (op.size() == 2 && op.get(0).equalsIgnoreCase("resources")
                && op.get(1).equalsIgnoreCase("dlpSensitiveTypes")) {
            route = "dlpSensitiveTypes";
            expected = "GET";
        } else {
            notFound(ex);
            return;
        }
        if (!method.equals(expected)) {
            ex.getResponseHeaders().set("Allow", expected);
            apiError(ex, 405, "MethodNotAllowed", "The requested resource does not support http method '" + method + "'.");
            return;
        }

        // authentication: a bearer token issued here, unexpired
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            apiError(ex, 401, "AF10001",
                    "The permission set () sent in the request does not include the expected permission.");
            return;
        }
        IssuedToken token = tokens.get(auth.substring(7).trim());
        if (token == null) {
            unauthorized(ex, "Access token validation failure. Invalid audience or signature.");
            return;
        }
        if (now().toEpochMilli() >= token.expiresAtMillis()) {
            unauthorized(ex, "Access token has expired or is not yet valid.");
            return;
        }
        if (!GUID.matcher(tenant).matches()) {
            apiError(ex, 400, "AF20013", "The tenant ID passed in the URL (" + tenant + ") is not a valid GUID.");
            return;
        }
        if (!tenant.equalsIgnoreCase(token.tenant())) {
            // also a token of another tenant of this simulator: the path must name the token's own tenant
            apiError(ex, 400, "AF20010", "The tenant ID passed in the URL (" + tenant
                    + ") does not match the tenant ID passed in the access token (" + token.tenant() + ").");
            return;
        }
        Tenant t = tenantsByKey.get(token.tenant().toLowerCase(Locale.ROOT)); // the path's tenant too
        String publisher = q.get("publisheridentifier");
        if (!isBlank(publisher) && !GUID.matcher(publisher.trim()).matches()) {
            apiError(ex, 400, "AF20002", "Invalid parameter type: PublisherIdentifier. Expected type: guid.");
            return;
        }
        switch (route) {
            case "start" -> startSubscription(ex, t, q, body);
            case "stop" -> stopSubscription(ex, t, q);
            case "list" -> listSubscriptions(ex, t);
            case "content" -> listContent(ex, t, tenant, q);
            case "notifications" -> listNotifications(ex, t, q);
            case "audit" -> getBlob(ex, t, op.get(1));
            default -> sendApi(ex, 200, RecordFactory.utf8(RecordFactory.sensitiveTypesJson()), false);
        }
    }

    private void unauthorized(HttpExchange ex, String message) throws IOException {
        ex.getResponseHeaders().set("WWW-Authenticate",
                "Bearer realm=\"\", error=\"invalid_token\", error_description=\"" + message + "\"");
        apiError(ex, 401, "InvalidAuthenticationToken", message);
    }

    /** Validates contentType; on failure answers and returns null. */
    private String contentTypeParameter(HttpExchange ex, Map<String, String> q) throws IOException {
        String raw = q.get("contenttype");
        if (isBlank(raw)) {
            apiError(ex, 400, "AF20001", "Missing parameter: contentType.");
            return null;
        }
        for (String type : ALL_CONTENT_TYPES) {
            if (type.equalsIgnoreCase(raw.trim())) {
                return type;
            }
        }
        apiError(ex, 400, "AF20020", "The specified content type is not valid.");
        return null;
    }

    /** Answers AF20022/AF20023 unless t's subscription is enabled. */
    private boolean requireEnabled(HttpExchange ex, Tenant t, String type) throws IOException {
        String status = t.subscriptions.get(type);
        if (status == null) {
            apiError(ex, 400, "AF20022", "No subscription found for the specified content type.");
            return false;
        }
        if (!status.equals("enabled")) {
            apiError(ex, 400, "AF20023", "The subscription was disabled by a tenant admin.");
            return false;
        }
        return true;
    }

    private void startSubscription(HttpExchange ex, Tenant t, Map<String, String> q, byte[] body) throws IOException {
        t.startCalls.incrementAndGet();
        String type = contentTypeParameter(ex, q);
        if (type == null || !requirePermission(ex, t, type)) {
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.isEmpty()) {
            JsonNode json;
            try {
                json = mapper.readTree(text);
            } catch (IOException e) {
                apiError(ex, 400, "AF20002", "Invalid parameter type: webhook. Expected type: object.");
                return;
            }
            JsonNode webhook = json == null ? null : json.get("webhook");
            if (webhook != null && !webhook.isNull()) {
                String address = webhook.path("address").asText("");
                apiError(ex, 400, "AF20021", "The webhook endpoint " + address + " could not be validated. "
                        + (address.startsWith("https://") ? "The endpoint did not return HTTP 200."
                        : "The address must begin with HTTPS."));
                return;
            }
        }
        boolean changed;
        synchronized (t.subscriptions) {
            changed = !"enabled".equals(t.subscriptions.put(type, "enabled"));
        }
        if (!changed) {
            apiError(ex, 400, "AF20024", "The subscription is already enabled. No property change.");
            return;
        }
        sendApi(ex, 200, mapper.writeValueAsBytes(subscriptionJson(type, "enabled")), false);
    }

    private void stopSubscription(HttpExchange ex, Tenant t, Map<String, String> q) throws IOException {
        String type = contentTypeParameter(ex, q);
        if (type == null) {
            return;
        }
        synchronized (t.subscriptions) {
            if (t.subscriptions.computeIfPresent(type, (k, status) -> "disabled") == null) {
                apiError(ex, 400, "AF20022", "No subscription found for the specified content type.");
                return;
            }
        }
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, -1);
    }

    private void listSubscriptions(HttpExchange ex, Tenant t) throws IOException {
        ArrayNode out = mapper.createArrayNode();
        for (String type : ALL_CONTENT_TYPES) {
            String status = t.subscriptions.get(type);
            if (status != null) {
                out.add(subscriptionJson(type, status));
            }
        }
        sendApi(ex, 200, mapper.writeValueAsBytes(out), false);
    }

    private ObjectNode subscriptionJson(String type, String status) {
        ObjectNode o = mapper.createObjectNode();
        o.put("contentType", type);
        o.put("status", status);
        o.putNull("webhook");
        return o;
    }

    /** Parsed and validated startTime/endTime; null after an error answer. */
    private ListingWindow window(HttpExchange ex, Map<String, String> q) throws IOException {
        String startRaw = q.get("starttime");
        String endRaw = q.get("endtime");
        Instant now = now();
        Instant start;
        Instant end;
        String startText;
        String endText;
        if (isBlank(startRaw) && isBlank(endRaw)) {
            end = now.truncatedTo(ChronoUnit.MILLIS);
            start = end.minus(MAX_WINDOW);
            startText = ApiTime.listing(start);
            endText = ApiTime.listing(end);
        } else if (isBlank(startRaw) || isBlank(endRaw)) {
            af20055(ex);
            return null;
        } else {
            start = ApiTime.parseQueryTime(startRaw);
            end = ApiTime.parseQueryTime(endRaw);
            if (start == null || end == null) {
                apiError(ex, 400, "AF20002", "Invalid parameter type: " + (start == null ? "startTime" : "endTime")
                        + ". Expected type: datetime.");
                return null;
            }
            startText = startRaw.trim();
            endText = endRaw.trim();
        }
        if (!start.isBefore(end) || Duration.between(start, end).compareTo(MAX_WINDOW) > 0
                || start.isBefore(now.minus(retention).minus(retentionGrace))) {
            af20055(ex);
            return null;
        }
        return new ListingWindow(start, end, startText, endText);
    }

    private void af20055(HttpExchange ex) throws IOException {
        apiError(ex, 400, "AF20055", "Start time and end time must both be specified (or both omitted) and must be "
                + "less than or equal to 24 hours apart, with the start time prior to end time and start time no more "
                + "than 7 days in the past.");
    }

    /** A listing of t's content ({@code tenant}: the path's tenant, as sent, for the NextPageUri). */
    private void listContent(HttpExchange ex, Tenant t, String tenant, Map<String, String> q) throws IOException {
        if (t.firstListingNanos.get() == null) {
            t.firstListingNanos.compareAndSet(null, System.nanoTime());
        }
        t.listCalls.incrementAndGet();
        String type = contentTypeParameter(ex, q);
        if (type != null) {
            t.listCallsByType.computeIfAbsent(type, k -> new AtomicInteger()).incrementAndGet();
        }
        if (type == null || !requirePermission(ex, t, type) || !requireEnabled(ex, t, type)) {
            return;
        }
        ListingWindow w = window(ex, q);
        if (w == null) {
            return;
        }
        String nextPage = q.get("nextpage");
        ListingPages.Page<StoredBlob> page;
        if (!isBlank(nextPage)) {
            page = t.listings.page(nextPage.trim(), type, w);
            if (page == null) {
                apiError(ex, 400, "AF20031", "Invalid nextPage Input: " + nextPage + ".");
                return;
            }
        } else {
            page = t.listings.first(type, w, listable(t, type, w));
        }
        String nextToken = page.nextToken();
        String nextPageUri = nextToken == null ? null : nextPageUri(baseUrlOf(ex), tenant, type, w, nextToken);
        HostileReferences.Trap trap = t.hostile.trap(type);
        if (trap != null) {
            nextPageUri = switch (trap.kind()) {
                case SELF_NEXT_PAGE -> nextPageUri(baseUrlOf(ex), tenant, type, w, t.listings.token(page));
                case FOREIGN_NEXT_PAGE -> nextPageUri(trap.foreignBaseUrl(), tenant, type, w, nextToken != null
                        ? nextToken : t.listings.token(page));
            };
            t.hostile.countTrapAnswer(type);
        }
        if (nextPageUri != null) {
            ex.getResponseHeaders().set("NextPageUri", nextPageUri);
        }
        ArrayNode out = mapper.createArrayNode();
        String prefix = baseUrlOf(ex) + "/api/v1.0/" + t.tenantId + "/activity/feed/audit/";
        for (StoredBlob b : page.entries()) {
            ObjectNode item = out.addObject();
            HostileEntry hostile = b.hostile;
            item.put("contentType", hostile != null ? hostile.listedContentType() : b.blob.contentType());
            item.put("contentId", b.id());
            if (hostile == null || hostile.uriContentId() != null) {
                item.put("contentUri", b.foreignUri != null ? b.foreignUri
                        : prefix + (hostile != null ? hostile.uriContentId() : b.id()));
            }
            item.put("contentCreated", ApiTime.listing(b.created()));
            item.put("contentExpiration", ApiTime.listing(b.blob.contentExpiration()));
        }
        Stall stall = claimStall(RequestKind.LISTING, null);
        if (stall != null) {
            sendHeld(ex, stall, mapper.writeValueAsBytes(out), false, JSON_UTF8);
            return;
        }
        sendApi(ex, 200, mapper.writeValueAsBytes(out), false);
    }

    private static String nextPageUri(String base, String tenant, String type, ListingWindow w, String token) {
        return base + "/api/v1.0/" + tenant + "/activity/feed/subscriptions/content?contentType=" + encode(type)
                + "&startTime=" + encode(w.startText()) + "&endTime=" + encode(w.endText()) + "&nextPage=" + token;
    }

    /** The blobs of that type created in the window, oldest first, but those created after now. */
    private List<StoredBlob> listable(Tenant t, String type, ListingWindow w) {
        Instant now = now();
        List<StoredBlob> listed = new ArrayList<>();
        NavigableSet<StoredBlob> set = t.blobsByType.get(type);
        if (set != null) {
            for (StoredBlob b : set.subSet(probe(w.start()), true, probe(w.end()), false)) {
                if (!b.created().isAfter(now)) {
                    listed.add(b);
                }
            }
        }
        return listed;
    }

    private static StoredBlob probe(Instant created) {
        return new StoredBlob(new Blob("", "", created, created, 0), new byte[0], new int[0]);
    }

    private void listNotifications(HttpExchange ex, Tenant t, Map<String, String> q) throws IOException {
        String type = contentTypeParameter(ex, q);
        if (type == null || !requireEnabled(ex, t, type) || window(ex, q) == null) {
            return;
        }
        sendApi(ex, 200, RecordFactory.utf8("[]"), false);
    }

    private void getBlob(HttpExchange ex, Tenant t, String contentId) throws IOException {
        StoredBlob b = t.blobsById.get(contentId);
        HostileEntry hostile = t.hostile.requested(contentId); // counted whatever the answer
        if (hostile != null && !hostile.kind().served()) {
            b = null; // MISSING_CONTENT_URI, BAD_CONTENT_ID: answered as content that does not exist
        }
        if (b == null || b.foreignUri != null) {
            if (!CONTENT_ID.matcher(contentId).matches()) {
                apiError(ex, 400, "AF20052", "Content ID " + contentId + " in the URL is invalid.");
            } else {
                apiError(ex, 404, "AF20050", "The specified content (" + contentId + ") does not exist.");
            }
            return;
        }
        if (!requirePermission(ex, t, b.blob.contentType()) || !requireEnabled(ex, t, b.blob.contentType())) {
            return;
        }
        if (b.expired || !now().isBefore(b.blob.contentExpiration())) {
            apiError(ex, 400, "AF20051", "Content requested with the key " + contentId
                    + " has already expired. Content older than 7 days cannot be retrieved.");
            return;
        }
        boolean gzip = ApiResponses.acceptsGzip(ex.getRequestHeaders());
        if (b.hostile != null && b.hostile.kind() == HostileReference.REDIRECT) {
            HostileContent.sendRedirect(ex);
            return;
        }
        if (b.hostile != null && b.hostile.kind() == HostileReference.BLANK_BOMB) {
            HostileContent.sendBlankBomb(ex, b.mediaType);
            t.countBlobGet(contentId, gzip);
            return;
        }
        BlobFailure failure = t.plannedFailures.claim(contentId);
        if (failure != null) {
            switch (failure) {
                case STATUS_408 -> {
                    requestTimeout(ex, t);
                    return;
                }
                case HTML_502 -> {
                    gatewayError(ex, t);
                    return;
                }
                case DROP_BEFORE_RESPONSE -> {
                    dropBeforeResponse(ex, t);
                    return;
                }
                case DROP_MID_BODY -> {
                    dropMidBody(ex, t, payload(b, gzip), gzip, b.mediaType);
                    return;
                }
                case THROTTLED -> {
                    t.throttledCalls.incrementAndGet();
                    apiError(ex, 429, "AF429", "Too many requests. Method=GetBlob, PublisherId=" + NO_PUBLISHER);
                    return;
                }
                case SLOW_RESPONSE -> {
                    if (!waitSlowResponse()) {
                        return; // close() interrupted the wait: handle() closes the connection, nothing sent
                    }
                    // then the normal answer, below
                }
            }
        }
        Stall stall = claimStall(RequestKind.BLOB, contentId);
        if (stall != null) {
            if (!sendHeld(ex, stall, b.body, gzip, b.mediaType)) {
                return; // aborted: not counted
            }
            t.countBlobGet(contentId, gzip);
            return;
        }
        sendApi(ex, 200, payload(b, gzip), gzip, b.mediaType);
        t.countBlobGet(contentId, gzip);
    }

    /** The bytes of a 200 answer for that blob: its body, gzip-compressed (computed once, then cached) if gzip. */
    private static byte[] payload(StoredBlob b, boolean gzip) {
        if (!gzip) {
            return b.body;
        }
        byte[] z = b.gzipped;
        if (z == null) {
            z = ApiResponses.gzip(b.body);
            b.gzipped = z;
        }
        return z;
    }

    /** Sleeps slowResponseDelay; false if interrupted (close() shuts the pool down with interrupts). */
    private boolean waitSlowResponse() {
        try {
            Duration delay = slowResponseDelay;
            TimeUnit.NANOSECONDS.sleep(delay.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : delay.toNanos());
            return server != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ responses

    private void apiError(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode out = mapper.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        sendApi(ex, status, mapper.writeValueAsBytes(out), false);
    }

    private void notFound(HttpExchange ex) throws IOException {
        ObjectNode out = mapper.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("code", "NotFound");
        error.put("message", "No HTTP resource was found that matches the request URI '" + ex.getRequestURI() + "'.");
        sendApi(ex, 404, mapper.writeValueAsBytes(out), false);
    }

    private void sendApi(HttpExchange ex, int status, byte[] body, boolean gzipped) throws IOException {
        sendApi(ex, status, body, gzipped, JSON_UTF8);
    }

    private void sendApi(HttpExchange ex, int status, byte[] body, boolean gzipped, String mediaType) throws IOException {
        ApiResponses.apiHeaders(ex, gzipped, mediaType);
        ApiResponses.send(ex, status, body);
    }

    /**
     * A 200 answer held by a stall: chunked, the first {@code bytesBeforeStall} bytes of {@code body} (uncompressed)
     * flushed before holding. True once the response is complete, false if aborted by close() (nothing more sent).
     * An IOException (the client went away) propagates; either way the response does not count as completed.
     */
    private boolean sendHeld(HttpExchange ex, Stall stall, byte[] body, boolean gzip, String mediaType)
            throws IOException {
        try {
            int first = Math.min(stall.bytesBeforeStall, body.length);
            OutputStream out = null;
            if (stall.bytesBeforeStall > 0) {
                out = startChunked(ex, gzip, mediaType);
                out.write(body, 0, first);
                out.flush();
            }
            if (!stall.hold()) {
                return false;
            }
            if (out == null) {
                out = startChunked(ex, gzip, mediaType);
            }
            out.write(body, first, body.length - first);
            out.close();
            return true;
        } finally {
            activeStalls.remove(stall);
        }
    }

    /** Sends 200 with chunked encoding; the returned stream, when gzip, deflates with SYNC_FLUSH on flush(). */
    private OutputStream startChunked(HttpExchange ex, boolean gzip, String mediaType) throws IOException {
        ApiResponses.apiHeaders(ex, gzip, mediaType);
        ex.sendResponseHeaders(200, 0);
        OutputStream raw = ex.getResponseBody();
        return gzip ? new GZIPOutputStream(raw, 8192, true) : raw;
    }

    // ------------------------------------------------------------------ parsing helpers

    /** Percent-decoded path segments (without the leading empty one); null if the path is malformed. */
    private static List<String> pathSegments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return null;
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        List<String> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            String decoded = percentDecode(p);
            if (decoded == null) {
                return null;
            }
            out.add(decoded);
        }
        return out;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Query parameters with lower-cased names (names are case-insensitive); the first value wins. */
    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodeForm(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeForm(pair.substring(eq + 1));
            out.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
        }
        return out;
    }

    /** application/x-www-form-urlencoded body; names are case-sensitive; the first value wins. */
    private static Map<String, String> formParameters(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.putIfAbsent(decodeForm(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decodeForm(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decodeForm(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Percent-encodes everything except RFC 3986 unreserved characters and ':' (kept readable in timestamps). */
    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == ':')) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private Instant now() {
        return clock.instant();
    }

    // ================================================================== tenants

    /**
     * One tenant of the simulator (see the class documentation): its app registration, content, subscriptions,
     * faults and counters. {@link ManagementApiSimulator#tenant(String)} gives it. Its methods are the simulator's
     * top-level methods that concern one tenant, and behave for this tenant exactly as those do for the primary one
     * (whose {@code Tenant} they delegate to). Thread-safe.
     */
    public final class Tenant {

        // -------------------------------------------------------------- app registration and initial content
        private final String tenantId;
        private final String tenantDomain;
        private final String clientId;
        private final String clientSecret;
        private final List<X509Certificate> clientCertificates;
        private final ClientAssertionVerifier assertionVerifier;
        private final List<String> contentTypes;
        private final int blobsPerContentType;
        private final int recordsPerBlob;
        private final Duration backlog;

        // -------------------------------------------------------------- state
        private final Object generationLock = new Object();
        private final Random random;               // guarded by generationLock
        private final RecordFactory records;       // guarded by generationLock
        private final Random faultRandom;          // guarded by itself
        private final String region;

        private final ConcurrentHashMap<String, StoredBlob> blobsById = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, NavigableSet<StoredBlob>> blobsByType = new ConcurrentHashMap<>();
        /** Types that got normal blobs (possibly none) through addBlobs/start: the keys of recordsByContentType(). */
        private final Set<String> recordTypes = ConcurrentHashMap.newKeySet();
        private final ConcurrentHashMap<String, String> subscriptions = new ConcurrentHashMap<>(); // type -> enabled|disabled
        private final ListingPages<StoredBlob> listings;

        private final ConcurrentHashMap<String, AtomicInteger> blobGets = new ConcurrentHashMap<>();
        private final AtomicInteger listCalls = new AtomicInteger();
        private final AtomicReference<Long> firstListingNanos = new AtomicReference<>();
        private final Map<String, AtomicInteger> listCallsByType = new ConcurrentHashMap<>();
        private final Set<String> withheldPermissions = ConcurrentHashMap.newKeySet();
        private final AtomicInteger gzippedBlobGets = new AtomicInteger();
        private final AtomicInteger servedCopies = new AtomicInteger();
        private final AtomicInteger tokenCalls = new AtomicInteger();
        private final AtomicInteger certificateTokens = new AtomicInteger();
        private final AtomicInteger startCalls = new AtomicInteger();
        private final AtomicInteger apiCalls = new AtomicInteger();
        private final AtomicInteger recordTotal = new AtomicInteger();
        private final AtomicInteger throttledCalls = new AtomicInteger();
        private final AtomicInteger serverErrorCalls = new AtomicInteger();
        private final AtomicInteger timeoutCalls = new AtomicInteger();
        private final AtomicInteger droppedConnections = new AtomicInteger();
        private final PlannedBlobFailures plannedFailures = new PlannedBlobFailures();
        private final List<Instant> apiRequestTimes = new ArrayList<>(); // guarded by itself
        private final HostileReferences hostile = new HostileReferences();
        private volatile Faults faults;

        private Tenant(TenantSettings s) {
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
            long seed = s.seed();
            this.random = new Random(seed);
            this.listings = new ListingPages<>(pageSize, shuffleListings, repeatBlobsInListing, MAX_PAGE_TOKENS,
                    new Random(seed * 31 + 7));
            this.faultRandom = new Random(seed * 131 + 17);
            this.faults = s.faults();
            this.records = new RecordFactory(tenantId, tenantDomain, new Random(seed ^ 0x5DEECE66DL));
            String[] regions = {"na0036", "na0047", "emea0026", "emea0029", "emea0036", "can0014"};
            this.region = regions[new Random(seed).nextInt(regions.length)];
        }

        /** At start(): the initial blobs, spread over the backlog, and the initially enabled subscriptions. */
        private void generateBacklog() {
            Instant now = now();
            Instant last = now.minus(Duration.ofMinutes(1));
            Instant first = backlog.compareTo(Duration.ofMinutes(1)) > 0 ? now.minus(backlog) : last;
            for (String type : contentTypes) {
                blobsOf(type);
                recordTypes.add(type);
                for (int i = 0; i < blobsPerContentType; i++) {
                    Instant created = blobsPerContentType == 1 ? last
                            : first.plusMillis(Duration.between(first, last).toMillis() * i / (blobsPerContentType - 1));
                    addBlobs(type, 1, recordsPerBlob, created);
                }
                if (subscriptionsInitiallyEnabled) {
                    subscriptions.put(type, "enabled");
                }
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
            tokens.values().removeIf(token -> token.tenant().equals(tenantId));
        }

        /** As {@link ManagementApiSimulator#addBlobs}, in this tenant (records with its OrganizationId and domain). */
        public List<Blob> addBlobs(String contentType, int blobCount, int recordsPerBlob, Instant contentCreated) {
            requireContentType(contentType);
            if (blobCount < 0 || recordsPerBlob < 1) {
                throw new IllegalArgumentException("blobCount >= 0 and recordsPerBlob >= 1 required");
            }
            Instant created = creationTime(contentCreated);
            NavigableSet<StoredBlob> set = blobsOf(contentType);
            recordTypes.add(contentType);
            List<Blob> added = new ArrayList<>(blobCount);
            synchronized (generationLock) {
                for (int n = 0; n < blobCount; n++) {
                    NewId newId = unusedContentId(contentType, created);
                    Instant aggregationStart = newId.aggregationStart();
                    String id = newId.id();
                    ByteArrayOutputStream body = new ByteArrayOutputStream(recordsPerBlob * (recordSizeBytes + 64));
                    int[] offsets = new int[recordsPerBlob * 2];
                    body.write('[');
                    // the service's own duplicates: some records served again, verbatim, in a later blob
                    StoredBlob source = duplicateRecordShare > 0 ? lastDeliverable(set) : null;
                    List<String> earlier = source != null ? source.records() : List.of();
                    int fresh = 0;
                    for (int r = 0; r < recordsPerBlob; r++) {
                        if (r > 0) {
                            body.write(',');
                        }
                        byte[] rec;
                        if (!earlier.isEmpty() && random.nextDouble() < duplicateRecordShare) {
                            rec = earlier.get(random.nextInt(earlier.size())).getBytes(StandardCharsets.UTF_8);
                            servedCopies.incrementAndGet();
                        } else {
                            rec = records.create(contentType, random, created, RecordFactory.targetSize(random, recordSizeBytes));
                            fresh++;
                        }
                        offsets[2 * r] = body.size();
                        body.writeBytes(rec);
                        offsets[2 * r + 1] = body.size();
                    }
                    body.write(']');
                    Blob blob = new Blob(contentType, id, created, aggregationStart.plus(retention), recordsPerBlob);
                    StoredBlob stored = new StoredBlob(blob, body.toByteArray(), offsets);
                    blobsById.put(id, stored);
                    blobGets.putIfAbsent(id, new AtomicInteger());
                    set.add(stored);
                    recordTotal.addAndGet(fresh);
                    added.add(blob);
                }
            }
            return added;
        }

        private void requireContentType(String contentType) {
            if (!ALL_CONTENT_TYPES.contains(contentType)) {
                throw new IllegalArgumentException("not a content type: " + contentType);
            }
        }

        /** A blob's contentCreated: the one asked for (null = now), truncated to milliseconds as the API lists it. */
        private Instant creationTime(Instant contentCreated) {
            return (contentCreated == null ? now() : contentCreated).truncatedTo(ChronoUnit.MILLIS);
        }

        /** The blobs of that content type, by contentCreated. */
        private NavigableSet<StoredBlob> blobsOf(String contentType) {
            return blobsByType.computeIfAbsent(contentType, t -> new ConcurrentSkipListSet<>(BY_CREATED));
        }

        /** A new contentId no blob of this tenant has; caller holds generationLock. */
        private NewId unusedContentId(String contentType, Instant created) {
            return unusedContentId(contentType, created, null);
        }

        /** A new contentId no blob of this tenant has, nor {@code alsoTaken}; caller holds generationLock. */
        private NewId unusedContentId(String contentType, Instant created, String alsoTaken) {
            NewId newId;
            do {
                newId = newContentId(contentType, created);
            } while (blobsById.containsKey(newId.id()) || newId.id().equals(alsoTaken));
            return newId;
        }

        /** A GET of that blob answered 200 (gzip-compressed or not). */
        private void countBlobGet(String contentId, boolean gzip) {
            blobGets.computeIfAbsent(contentId, k -> new AtomicInteger()).incrementAndGet();
            if (gzip) {
                gzippedBlobGets.incrementAndGet();
            }
        }

        /** A realistic contentId (reference, section 4.5) for a blob created at {@code created}; caller holds generationLock. */
        private NewId newContentId(String contentType, Instant created) {
            Instant aggregationStart = random.nextInt(10) < 3 ? created
                    : created.minusMillis(1 + random.nextInt(5 * 60_000));
            String t2 = ApiTime.CONTENT_ID.format(created) + digits(6);
            String t1 = aggregationStart.equals(created) ? t2 : ApiTime.CONTENT_ID.format(aggregationStart) + digits(6);
            String under = contentType.replace('.', '_');
            String id = t1 + "$" + t2 + "$" + under.toLowerCase(Locale.ROOT) + "$" + under + "$" + region;
            return new NewId(id, aggregationStart);
        }

        /** As {@link ManagementApiSimulator#addPoisonBlob}, in this tenant. */
        public Blob addPoisonBlob(String contentType, PoisonKind kind, Instant contentCreated) {
            requireContentType(contentType);
            Objects.requireNonNull(kind, "kind");
            Instant created = creationTime(contentCreated);
            NavigableSet<StoredBlob> set = blobsOf(contentType);
            synchronized (generationLock) {
                NewId newId = unusedContentId(contentType, created);
                byte[] body = poisonBody(contentType, kind, created);
                Blob blob = new Blob(contentType, newId.id(), created, newId.aggregationStart().plus(retention), 0);
                StoredBlob stored = new StoredBlob(blob, body, new int[0],
                        kind == PoisonKind.NOT_JSON ? HTML : JSON_UTF8, kind, null);
                blobsById.put(blob.contentId(), stored);
                blobGets.putIfAbsent(blob.contentId(), new AtomicInteger());
                set.add(stored);
                return blob;
            }
        }

        /** Caller holds generationLock. */
        private byte[] poisonBody(String contentType, PoisonKind kind, Instant created) {
            switch (kind) {
                case NOT_AN_ARRAY:
                    return RecordFactory.utf8("{\"error\":\"The content could not be retrieved. Retry the request.\"}");
                case NOT_JSON:
                    return RecordFactory.utf8("<html><body>Service Unavailable</body></html>");
                case TRUNCATED: {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(POISON_RECORDS * (recordSizeBytes + 64));
                    body.write('[');
                    for (int r = 0; r < 11; r++) {
                        byte[] rec = records.create(contentType, random, created, RecordFactory.targetSize(random, recordSizeBytes));
                        if (r > 0) {
                            body.write(',');
                        }
                        if (r < 10) {
                            body.writeBytes(rec);
                        } else {
                            // cut in the middle of the 11th record, on a character boundary
                            String text = new String(rec, StandardCharsets.UTF_8);
                            body.writeBytes(text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    return body.toByteArray();
                }
                case RECORD_WITHOUT_ID: {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(POISON_RECORDS * (recordSizeBytes + 64));
                    body.write('[');
                    for (int r = 0; r < POISON_RECORDS; r++) {
                        byte[] rec = records.create(contentType, random, created, RecordFactory.targetSize(random, recordSizeBytes));
                        if (r == 6) {
                            try {
                                ObjectNode node = (ObjectNode) mapper.readTree(rec);
                                node.remove("Id");
                                rec = mapper.writeValueAsBytes(node);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                        if (r > 0) {
                            body.write(',');
                        }
                        body.writeBytes(rec);
                    }
                    body.write(']');
                    return body.toByteArray();
                }
                default:
                    throw new IllegalArgumentException("unknown poison kind " + kind);
            }
        }

        /** As {@link ManagementApiSimulator#addForeignBlob}, in this tenant. */
        public Blob addForeignBlob(String contentType, String foreignBaseUrl, Instant contentCreated) {
            requireContentType(contentType);
            String base = stripTrailingSlash(Objects.requireNonNull(foreignBaseUrl, "foreignBaseUrl"));
            Instant created = creationTime(contentCreated);
            NavigableSet<StoredBlob> set = blobsOf(contentType);
            synchronized (generationLock) {
                NewId newId = unusedContentId(contentType, created);
                Blob blob = new Blob(contentType, newId.id(), created, newId.aggregationStart().plus(retention), 0);
                String uri = base + "/api/v1.0/" + tenantId + "/activity/feed/audit/" + blob.contentId();
                StoredBlob stored = new StoredBlob(blob, new byte[0], new int[0], JSON_UTF8, null, uri);
                blobsById.put(blob.contentId(), stored);
                set.add(stored);
                return blob;
            }
        }

        /** As {@link ManagementApiSimulator#addHostileReference}, in this tenant. */
        public Blob addHostileReference(String contentType, HostileReference kind, Instant contentCreated) {
            Objects.requireNonNull(kind, "kind");
            return addHostile(contentType, kind, contentCreated,
                    kind == HostileReference.WRONG_CONTENT_TYPE ? HostileContent.defaultClaimedType(contentType) : contentType);
        }

        /** As {@link ManagementApiSimulator#addWrongContentTypeReference}, in this tenant. */
        public Blob addWrongContentTypeReference(String contentType, String claimedContentType, Instant contentCreated) {
            if (!ALL_CONTENT_TYPES.contains(claimedContentType) || claimedContentType.equals(contentType)) {
                throw new IllegalArgumentException("not another content type: " + claimedContentType);
            }
            return addHostile(contentType, HostileReference.WRONG_CONTENT_TYPE, contentCreated, claimedContentType);
        }

        private Blob addHostile(String contentType, HostileReference kind, Instant contentCreated, String claimed) {
            requireContentType(contentType);
            Instant created = creationTime(contentCreated);
            NavigableSet<StoredBlob> set = blobsOf(contentType);
            synchronized (generationLock) {
                NewId newId = unusedContentId(contentType, created);
                String id = newId.id();
                String uriId = id;
                if (kind == HostileReference.MISSING_CONTENT_URI) {
                    uriId = null;
                } else if (kind == HostileReference.BAD_CONTENT_ID) {
                    id = id + HostileContent.BAD_CONTENT_ID_TAIL;
                    uriId = unusedContentId(contentType, created, newId.id()).id();
                }
                HostileContent.Body b = HostileContent.body(kind, mapper, random, contentType, claimed,
                        type -> records.create(type, random, created, RecordFactory.targetSize(random, recordSizeBytes)));
                List<String> deliverable = b.deliverableIds();
                HostileEntry entry = new HostileEntry(kind, id, contentType, claimed, uriId, deliverable, b.undeliverableIds());
                Blob blob = new Blob(contentType, id, created, newId.aggregationStart().plus(retention), deliverable.size());
                StoredBlob stored = new StoredBlob(blob, b.body(), b.offsets(), JSON_UTF8, null, null, entry);
                blobsById.put(id, stored);
                if (kind.served() && kind != HostileReference.REDIRECT) {
                    blobGets.putIfAbsent(id, new AtomicInteger()); // those that answer 200
                }
                hostile.add(entry);
                set.add(stored);
                if (!deliverable.isEmpty()) {
                    recordTypes.add(contentType);
                    recordTotal.addAndGet(deliverable.size());
                }
                return blob;
            }
        }

        /** As {@link ManagementApiSimulator#hostileReference}, for a reference of this tenant. */
        public HostileEntry hostileReference(String contentId) {
            HostileEntry e = hostile.get(contentId);
            if (e == null) {
                throw new IllegalArgumentException("not a hostile reference: " + contentId);
            }
            return e;
        }

        /** As {@link ManagementApiSimulator#hostileRequestCount}, for a reference of this tenant. */
        public int hostileRequestCount(String contentId) {
            return hostile.requestCount(contentId);
        }

        /** As {@link ManagementApiSimulator#listingTrap(String, ListingTrap)}, in this tenant. */
        public void listingTrap(String contentType, ListingTrap trap) {
            listingTrap(contentType, trap, null);
        }

        /** As {@link ManagementApiSimulator#listingTrap(String, ListingTrap, String)}, in this tenant. */
        public void listingTrap(String contentType, ListingTrap trap, String foreignBaseUrl) {
            requireContentType(contentType);
            hostile.trap(contentType, trap, foreignBaseUrl);
        }

        /** As {@link ManagementApiSimulator#listingTrapCount}, in this tenant. */
        public int listingTrapCount(String contentType) {
            return hostile.trapAnswerCount(contentType);
        }

        /** As {@link ManagementApiSimulator#expireBlob}, for a blob of this tenant. */
        public void expireBlob(String contentId) {
            StoredBlob b = blobsById.get(contentId);
            if (b == null) {
                throw new IllegalArgumentException("unknown contentId " + contentId);
            }
            if (b.foreignUri != null) {
                throw new IllegalArgumentException("a foreign blob is not served by this simulator: " + contentId);
            }
            synchronized (generationLock) {
                if (b.expired) {
                    return;
                }
                boolean wasDeliverable = b.deliverable();
                b.expired = true;
                if (!wasDeliverable) {
                    return;
                }
                Set<String> gone = new java.util.HashSet<>(b.records());
                if (duplicateRecordShare > 0) {
                    // a record the service served again in another (still deliverable) blob stays deliverable
                    for (StoredBlob other : blobsByType.get(b.blob.contentType())) {
                        if (gone.isEmpty()) {
                            break;
                        }
                        if (other != b && other.deliverable()) {
                            other.records().forEach(gone::remove);
                        }
                    }
                }
                recordTotal.addAndGet(-gone.size());
            }
        }

        /** As {@link ManagementApiSimulator#blobs}: every blob of this tenant. */
        public List<Blob> blobs() {
            List<StoredBlob> all = new ArrayList<>(blobsById.values());
            all.sort(BY_CREATED);
            return all.stream().map(s -> s.blob).toList();
        }

        /** As {@link ManagementApiSimulator#recordsByContentType}: this tenant's deliverable records. */
        public Map<String, List<String>> recordsByContentType() {
            Map<String, List<String>> out = new TreeMap<>();
            blobsByType.forEach((type, set) -> {
                if (!recordTypes.contains(type)) {
                    return;
                }
                java.util.LinkedHashSet<String> distinct = new java.util.LinkedHashSet<>();
                for (StoredBlob b : set) {
                    if (b.deliverable()) {
                        distinct.addAll(b.records());
                    }
                }
                out.put(type, new ArrayList<>(distinct));
            });
            return out;
        }

        /** As {@link ManagementApiSimulator#servedCopyCount}, in this tenant. */
        public int servedCopyCount() {
            return servedCopies.get();
        }

        /** As {@link ManagementApiSimulator#records}, for a blob of this tenant. */
        public List<String> records(String contentId) {
            StoredBlob b = blobsById.get(contentId);
            if (b == null) {
                throw new IllegalArgumentException("unknown contentId " + contentId);
            }
            return b.records();
        }

        /** As {@link ManagementApiSimulator#recordCount}: this tenant's distinct deliverable records. */
        public int recordCount() {
            return recordTotal.get();
        }

        /** As {@link ManagementApiSimulator#blobGetCount}, for a blob of this tenant. */
        public int blobGetCount(String contentId) {
            AtomicInteger c = blobGets.get(contentId);
            return c == null ? 0 : c.get();
        }

        /** As {@link ManagementApiSimulator#blobGetCounts}: this tenant's blobs. */
        public Map<String, Integer> blobGetCounts() {
            Map<String, Integer> out = new HashMap<>();
            blobGets.forEach((id, c) -> out.put(id, c.get()));
            return out;
        }

        /** As {@link ManagementApiSimulator#gzippedBlobGetCount}, in this tenant. */
        public int gzippedBlobGetCount() {
            return gzippedBlobGets.get();
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
        public java.util.OptionalLong firstListingNanoTime() {
            Long at = firstListingNanos.get();
            return at == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(at);
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
            StoredBlob b = requireBlob(contentId);
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
            requireBlob(contentId);
            plannedFailures.heal(contentId);
        }

        /** As {@link ManagementApiSimulator#blobFailureCount}, for a blob of this tenant. */
        public int blobFailureCount(String contentId) {
            requireBlob(contentId);
            return plannedFailures.failedCount(contentId);
        }

        private StoredBlob requireBlob(String contentId) {
            StoredBlob b = contentId == null ? null : blobsById.get(contentId);
            if (b == null) {
                throw new IllegalArgumentException("unknown contentId " + contentId);
            }
            return b;
        }

        private String digits(int n) {
            StringBuilder sb = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return "tenant " + tenantId + " (" + tenantDomain + ")";
        }
    }

    // ================================================================== builder

    public static final class Builder {
        private int port = 0;
        private String tenantId = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
        private String tenantDomain = "fabrikam-sim.onmicrosoft.com";
        private String clientId = "3b0e5e4a-6c1d-4f2e-9a8b-7c6d5e4f3a2b";
        private String clientSecret = "sIm8Q~Fq3v.Kx7Tn_w2Lr9Zp-Yb4Hc6Md1Ge5Ja0";
        private String cloudResource = "https://manage.office.com";
        private List<String> contentTypes = ALL_CONTENT_TYPES;
        private int blobsPerContentType = 6;
        private int recordsPerBlob = 50;
        private Duration backlog = Duration.ofDays(3);
        private int pageSize = 100;
        private Duration tokenLifetime = Duration.ofHours(1);
        private boolean shuffleListings = true;
        private boolean repeatBlobsInListing = true;
        private Duration retention = Duration.ofDays(7);
        private Duration retentionGrace = Duration.ofHours(1);
        private int recordSizeBytes = 1500;
        private double duplicateRecordShare;
        private Long seed;
        private boolean subscriptionsInitiallyEnabled = false;
        private Clock clock = Clock.systemUTC();
        private Faults faults = Faults.none();
        private Duration slowResponseDelay = Duration.ofSeconds(5);
        private boolean https = true;
        private final List<String> playedHosts = new ArrayList<>();
        private final List<X509Certificate> clientCertificates = new ArrayList<>();
        private final List<TenantSpec> tenants = new ArrayList<>();

        private Builder() {
        }

        /** Default 0 (a free port). */
        public Builder port(int p) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port " + p);
            }
            this.port = p;
            return this;
        }

        /** The primary tenant's id (a GUID). */
        public Builder tenantId(String guid) {
            this.tenantId = requireGuid(guid, "tenantId");
            return this;
        }

        /** A verified domain of the primary tenant, accepted by the token endpoints instead of the GUID. */
        public Builder tenantDomain(String domain) {
            this.tenantDomain = Objects.requireNonNull(domain);
            return this;
        }

        public Builder clientId(String guid) {
            this.clientId = requireGuid(guid, "clientId");
            return this;
        }

        public Builder clientSecret(String s) {
            this.clientSecret = Objects.requireNonNull(s);
            return this;
        }

        /**
         * Registers one more certificate of the primary tenant's app: a client assertion signed with its key, naming
         * it by its {@code x5t} or {@code x5t#S256} thumbprint, gets a token. May be called several times (each
         * certificate is accepted, as during a rotation). None by default: the certificate flow is then refused with
         * AADSTS700027.
         */
        public Builder clientCertificate(X509Certificate certificate) {
            this.clientCertificates.add(Objects.requireNonNull(certificate, "certificate"));
            return this;
        }

        /**
         * Adds another tenant (any number; see {@link TenantSpec} for its defaults). Its id, and its domain, must be
         * distinct from every other tenant's, the primary's included (checked by {@link #build()}). The spec is
         * copied: changing it afterwards changes nothing.
         */
        public Builder tenant(TenantSpec spec) {
            this.tenants.add(Objects.requireNonNull(spec, "spec").copy());
            return this;
        }

        /**
         * Also serve HTTPS (default true, as the collector's token client refuses a plain-http login host): {@link ManagementApiSimulator#start()} then binds a second listener on a
         * free port of 127.0.0.1 with a self-signed certificate, serving the same endpoints and state; see
         * {@link ManagementApiSimulator#httpsBaseUrl()} and {@link ManagementApiSimulator#serverCertificate()}.
         */
        public Builder https(boolean on) {
            this.https = on;
            return this;
        }

        /**
         * Microsoft host names this simulator plays, such as {@code login.microsoftonline.com} and
         * {@code manage.office.com}, for a client that reaches it through a proxy tunnelling those hosts to its https
         * port ({@code ForwardProxy#tunnelling}) with no URL overrides: its certificate names them too, and a request
         * whose Host header is one of them gets URLs (contentUri, NextPageUri) on that host, without a port.
         */
        public Builder playsHosts(String... hostNames) {
            this.playedHosts.addAll(List.of(hostNames));
            return this;
        }

        /**
         * The Management API host of the simulated cloud, e.g. {@code https://manage-gcc.office.com}: v1 tokens need
         * {@code resource=<cloudResource>}, v2 tokens {@code scope=<cloudResource>/.default}. Default
         * {@code https://manage.office.com}.
         */
        public Builder cloudResource(String resource) {
            this.cloudResource = Objects.requireNonNull(resource);
            return this;
        }

        /** Content types that get initial blobs (default all five). */
        public Builder contentTypes(List<String> types) {
            for (String t : types) {
                if (!ALL_CONTENT_TYPES.contains(t)) {
                    throw new IllegalArgumentException("not a content type: " + t);
                }
            }
            this.contentTypes = List.copyOf(types);
            return this;
        }

        public Builder blobsPerContentType(int n) {
            this.blobsPerContentType = requireAtLeast(n, 0, "blobsPerContentType");
            return this;
        }

        public Builder recordsPerBlob(int n) {
            this.recordsPerBlob = requireAtLeast(n, 1, "recordsPerBlob");
            return this;
        }

        /** Initial blobs' contentCreated spread evenly over [now - d, now - 1 minute]. Default 3 days. */
        public Builder backlog(Duration d) {
            this.backlog = Objects.requireNonNull(d);
            return this;
        }

        public Builder pageSize(int n) {
            this.pageSize = requireAtLeast(n, 1, "pageSize");
            return this;
        }

        public Builder tokenLifetime(Duration d) {
            this.tokenLifetime = Objects.requireNonNull(d);
            return this;
        }

        public Builder shuffleListings(boolean b) {
            this.shuffleListings = b;
            return this;
        }

        /** Default true: every listing page with at least two blobs (and room left) lists one of them twice. */
        public Builder repeatBlobsInListing(boolean b) {
            this.repeatBlobsInListing = b;
            return this;
        }

        public Builder retention(Duration d) {
            this.retention = Objects.requireNonNull(d);
            return this;
        }

        public Builder retentionGrace(Duration d) {
            this.retentionGrace = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Share of the records of each blob (after a content type's first) that repeat, verbatim, a record of the
         * previous blob: the service's own duplicates (reference, section 4.6). Default 0.
         */
        public Builder duplicateRecordShare(double share) {
            if (share < 0 || share >= 1) {
                throw new IllegalArgumentException("duplicateRecordShare must be in [0, 1)");
            }
            this.duplicateRecordShare = share;
            return this;
        }

        public Builder recordSizeBytes(int approx) {
            this.recordSizeBytes = requireAtLeast(approx, 1, "recordSizeBytes");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder subscriptionsInitiallyEnabled(boolean b) {
            this.subscriptionsInitiallyEnabled = b;
            return this;
        }

        /** The simulator's notion of "now" (default the system UTC clock); lets tests move time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Faults injected into the primary tenant's API calls from the start (see {@link Faults}); default
         * {@link Faults#none()}. Further tenants start without faults ({@link Tenant#faults(Faults)}).
         */
        public Builder faults(Faults f) {
            this.faults = Objects.requireNonNull(f, "faults");
            return this;
        }

        /**
         * How long a {@link BlobFailure#SLOW_RESPONSE} GET sends nothing before its normal answer (default 5 s; also
         * settable later with {@link ManagementApiSimulator#slowResponseDelay(Duration)}).
         */
        public Builder slowResponseDelay(Duration delay) {
            this.slowResponseDelay = requireNonNegative(delay, "slowResponseDelay");
            return this;
        }

        /** @throws IllegalArgumentException when two tenants have the same id or the same domain */
        public ManagementApiSimulator build() {
            return new ManagementApiSimulator(this);
        }

        private static String requireGuid(String s, String what) {
            if (s == null || !GUID.matcher(s).matches()) {
                throw new IllegalArgumentException(what + " must be a GUID: " + s);
            }
            return s;
        }

        private static int requireAtLeast(int n, int min, String what) {
            if (n < min) {
                throw new IllegalArgumentException(what + " must be >= " + min);
            }
            return n;
        }
    }

    // ================================================================== standalone

    /** Starts a simulator with defaults (port from the first argument, else 0) and runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ManagementApiSimulator sim = builder().port(port).build();
        sim.start();
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "o365-api-simulator-shutdown"));
        System.out.println("Office 365 Management Activity API simulator");
        System.out.println("  base URL (login + API): " + sim.baseUrl());
        System.out.println("  token v2:               " + sim.baseUrl() + "/" + sim.tenantId() + "/oauth2/v2.0/token");
        System.out.println("  API root:               " + sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/");
        System.out.println("  tenant id:              " + sim.tenantId());
        System.out.println("  client id:              " + sim.clientId());
        System.out.println("  client secret:          " + sim.clientSecret());
        System.out.println("  blobs / records:        " + sim.blobs().size() + " / " + sim.recordCount());
        System.out.println("  tenants:                " + sim.tenantIds());
        new CountDownLatch(1).await();
    }
}
