package io.github.o365auditcamel.simulator;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static io.github.o365auditcamel.simulator.ManagementApiSimulator.ALL_CONTENT_TYPES;
import static io.github.o365auditcamel.simulator.RequestSyntax.GUID;
import static io.github.o365auditcamel.simulator.RequestSyntax.stripTrailingSlash;

/**
 * The settings of a {@link ManagementApiSimulator}, from {@link ManagementApiSimulator#builder()}: its port and HTTPS,
 * the primary tenant's app registration and initial content, further tenants ({@link #tenant(TenantSpec)}), and the
 * settings all tenants share. Unset ones keep the defaults shown below.
 */
public final class SimulatorBuilder {
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
    private Duration subscriptionStartInterval = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private Faults faults = Faults.none();
    private Duration slowResponseDelay = Duration.ofSeconds(5);
    private boolean https = true;
    private int graphPageSize = 100;
    private int graphRecordCountLimit = 50_000;
    private int graphQueryPollsUntilDone = 2;
    private final List<String> playedHosts = new ArrayList<>();
    private final List<X509Certificate> clientCertificates = new ArrayList<>();
    private final List<TenantSpec> tenants = new ArrayList<>();

    SimulatorBuilder() {
    }

    /** Default 0 (a free port). */
    public SimulatorBuilder port(int p) {
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p);
        }
        this.port = p;
        return this;
    }

    /** The primary tenant's id (a GUID). */
    public SimulatorBuilder tenantId(String guid) {
        this.tenantId = requireGuid(guid, "tenantId");
        return this;
    }

    /** A verified domain of the primary tenant, accepted by the token endpoints instead of the GUID. */
    public SimulatorBuilder tenantDomain(String domain) {
        this.tenantDomain = Objects.requireNonNull(domain);
        return this;
    }

    public SimulatorBuilder clientId(String guid) {
        this.clientId = requireGuid(guid, "clientId");
        return this;
    }

    public SimulatorBuilder clientSecret(String s) {
        this.clientSecret = Objects.requireNonNull(s);
        return this;
    }

    /**
     * Registers one more certificate of the primary tenant's app: a client assertion signed with its key, naming
     * it by its {@code x5t} or {@code x5t#S256} thumbprint, gets a token. May be called several times (each
     * certificate is accepted, as during a rotation). None by default: the certificate flow is then refused with
     * AADSTS700027.
     */
    public SimulatorBuilder clientCertificate(X509Certificate certificate) {
        this.clientCertificates.add(Objects.requireNonNull(certificate, "certificate"));
        return this;
    }

    /**
     * Adds another tenant (any number; see {@link TenantSpec} for its defaults). Its id, and its domain, must be
     * distinct from every other tenant's, the primary's included (checked by {@link #build()}). The spec is
     * copied: changing it afterwards changes nothing.
     */
    public SimulatorBuilder tenant(TenantSpec spec) {
        this.tenants.add(Objects.requireNonNull(spec, "spec").copy());
        return this;
    }

    /**
     * Also serve HTTPS (default true, as the collector's token client refuses a plain-http login host): {@link ManagementApiSimulator#start()} then binds a second listener on a
     * free port of 127.0.0.1 with a self-signed certificate, serving the same endpoints and state; see
     * {@link ManagementApiSimulator#httpsBaseUrl()} and {@link ManagementApiSimulator#serverCertificate()}.
     */
    public SimulatorBuilder https(boolean on) {
        this.https = on;
        return this;
    }

    /**
     * Microsoft host names this simulator plays, such as {@code login.microsoftonline.com} and
     * {@code manage.office.com}, for a client that reaches it through a proxy tunnelling those hosts to its https
     * port ({@code ForwardProxy#tunnelling}) with no URL overrides: its certificate names them too, and a request
     * whose Host header is one of them gets URLs (contentUri, NextPageUri) on that host, without a port.
     */
    public SimulatorBuilder playsHosts(String... hostNames) {
        this.playedHosts.addAll(List.of(hostNames));
        return this;
    }

    /**
     * The Management API host of the simulated cloud, e.g. {@code https://manage-gcc.office.com}: v1 tokens need
     * {@code resource=<cloudResource>}, v2 tokens {@code scope=<cloudResource>/.default}. Default
     * {@code https://manage.office.com}.
     */
    public SimulatorBuilder cloudResource(String resource) {
        this.cloudResource = Objects.requireNonNull(resource);
        return this;
    }

    /** Content types that get initial blobs (default all five). */
    public SimulatorBuilder contentTypes(List<String> types) {
        for (String t : types) {
            if (!ALL_CONTENT_TYPES.contains(t)) {
                throw new IllegalArgumentException("not a content type: " + t);
            }
        }
        this.contentTypes = List.copyOf(types);
        return this;
    }

    public SimulatorBuilder blobsPerContentType(int n) {
        this.blobsPerContentType = requireAtLeast(n, 0, "blobsPerContentType");
        return this;
    }

    public SimulatorBuilder recordsPerBlob(int n) {
        this.recordsPerBlob = requireAtLeast(n, 1, "recordsPerBlob");
        return this;
    }

    /** Initial blobs' contentCreated spread evenly over [now - d, now - 1 minute]. Default 3 days. */
    public SimulatorBuilder backlog(Duration d) {
        this.backlog = Objects.requireNonNull(d);
        return this;
    }

    public SimulatorBuilder pageSize(int n) {
        this.pageSize = requireAtLeast(n, 1, "pageSize");
        return this;
    }

    public SimulatorBuilder tokenLifetime(Duration d) {
        this.tokenLifetime = Objects.requireNonNull(d);
        return this;
    }

    public SimulatorBuilder shuffleListings(boolean b) {
        this.shuffleListings = b;
        return this;
    }

    /** Default true: every listing page with at least two blobs (and room left) lists one of them twice. */
    public SimulatorBuilder repeatBlobsInListing(boolean b) {
        this.repeatBlobsInListing = b;
        return this;
    }

    public SimulatorBuilder retention(Duration d) {
        this.retention = Objects.requireNonNull(d);
        return this;
    }

    public SimulatorBuilder retentionGrace(Duration d) {
        this.retentionGrace = Objects.requireNonNull(d);
        return this;
    }

    /**
     * Share of the records of each blob (after a content type's first) that repeat, verbatim, a record of the
     * previous blob: the service's own duplicates (reference, section 4.6). Default 0.
     */
    public SimulatorBuilder duplicateRecordShare(double share) {
        if (share < 0 || share >= 1) {
            throw new IllegalArgumentException("duplicateRecordShare must be in [0, 1)");
        }
        this.duplicateRecordShare = share;
        return this;
    }

    public SimulatorBuilder recordSizeBytes(int approx) {
        this.recordSizeBytes = requireAtLeast(approx, 1, "recordSizeBytes");
        return this;
    }

    public SimulatorBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Enforces Microsoft's rule of a least time between two {@code subscriptions/start} requests of a tenant (15
     * minutes since August 2025): an earlier one is refused with 429 AF429, as the service is thought to answer (its
     * answer is undocumented). Zero, the default: not enforced; every request is still timed
     * ({@link SimulatedTenant#startRequestTimes}).
     */
    public SimulatorBuilder subscriptionStartInterval(Duration interval) {
        this.subscriptionStartInterval = interval;
        return this;
    }

    public SimulatorBuilder subscriptionsInitiallyEnabled(boolean b) {
        this.subscriptionsInitiallyEnabled = b;
        return this;
    }

    /** The simulator's notion of "now" (default the system UTC clock); lets tests move time. */
    public SimulatorBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /**
     * Faults injected into the primary tenant's API calls from the start (see {@link Faults}); default
     * {@link Faults#none()}. Further tenants start without faults ({@link SimulatedTenant#faults(Faults)}).
     */
    public SimulatorBuilder faults(Faults f) {
        this.faults = Objects.requireNonNull(f, "faults");
        return this;
    }

    /**
     * How long a {@link BlobFailure#SLOW_RESPONSE} GET sends nothing before its normal answer (default 5 s; also
     * settable later with {@link ManagementApiSimulator#slowResponseDelay(Duration)}).
     */
    public SimulatorBuilder slowResponseDelay(Duration delay) {
        this.slowResponseDelay = FaultInjection.requireNonNegative(delay, "slowResponseDelay");
        return this;
    }

    /**
     * Records per page of a Graph audit log query's {@code records} (default 100); a request's {@code $top} asks for
     * fewer.
     */
    public SimulatorBuilder graphPageSize(int n) {
        this.graphPageSize = requireAtLeast(n, 1, "graphPageSize");
        return this;
    }

    /**
     * The most records a Graph audit log query returns (default 50,000): a query that matches more returns the first
     * ones (by CreationTime, then Id) and says {@code isRecordCountLimitExceeded}; a query's own
     * {@code recordCountLimit} may ask for fewer.
     */
    public SimulatorBuilder graphRecordCountLimit(int n) {
        this.graphRecordCountLimit = requireAtLeast(n, 1, "graphRecordCountLimit");
        return this;
    }

    /**
     * The status GET of a Graph audit log query that finds it finished (default 2: the first GET says
     * {@code running}, the second {@code succeeded}); 1 = the first GET already finds it finished.
     */
    public SimulatorBuilder graphQueryPollsUntilDone(int n) {
        this.graphQueryPollsUntilDone = requireAtLeast(n, 1, "graphQueryPollsUntilDone");
        return this;
    }

    /** @throws IllegalArgumentException when two tenants have the same id or the same domain */
    public ManagementApiSimulator build() {
        SimulatorSettings settings = new SimulatorSettings(stripTrailingSlash(cloudResource), pageSize, tokenLifetime,
                shuffleListings, repeatBlobsInListing, retention, retentionGrace, recordSizeBytes,
                duplicateRecordShare, subscriptionsInitiallyEnabled, subscriptionStartInterval, clock, graphPageSize,
                graphRecordCountLimit, graphQueryPollsUntilDone);
        return new ManagementApiSimulator(new SimulatorServer(port, https, Set.copyOf(playedHosts)), settings,
                tenantSettings(), slowResponseDelay);
    }

    /** The primary tenant's settings, then those of each {@link #tenant}, with the defaults filled in. */
    private List<TenantSettings> tenantSettings() {
        long seed = this.seed != null ? this.seed : System.nanoTime();
        List<TenantSettings> all = new ArrayList<>();
        all.add(new TenantSettings(tenantId, tenantDomain, clientId, clientSecret, List.copyOf(clientCertificates),
                List.copyOf(contentTypes), blobsPerContentType, recordsPerBlob, backlog, seed, faults));
        for (TenantSpec spec : tenants) {
            int n = all.size() + 1; // the primary is tenant 1
            List<X509Certificate> certificates = spec.clientCertificates();
            all.add(new TenantSettings(spec.tenantId(),
                    orElse(spec.tenantDomainOrNull(), "tenant" + n + "-sim.onmicrosoft.com"),
                    orElse(spec.clientIdOrNull(), clientId),
                    orElse(spec.clientSecretOrNull(), clientSecret),
                    certificates.isEmpty() ? List.copyOf(clientCertificates) : certificates,
                    orElse(spec.contentTypesOrNull(), List.copyOf(contentTypes)),
                    orElse(spec.blobsPerContentTypeOrNull(), blobsPerContentType),
                    orElse(spec.recordsPerBlobOrNull(), recordsPerBlob),
                    orElse(spec.backlogOrNull(), backlog),
                    // a seed of its own: the same seed would give two tenants the same records and contentIds
                    orElse(spec.seedOrNull(), seed + 0x9E3779B97F4A7C15L * (n - 1)),
                    Faults.none()));
        }
        return all;
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
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
