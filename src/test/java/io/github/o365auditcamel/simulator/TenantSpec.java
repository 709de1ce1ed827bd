package io.github.o365auditcamel.simulator;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A further tenant of a {@link ManagementApiSimulator}, for {@link SimulatorBuilder#tenant(TenantSpec)}:
 * its id (required, a GUID no other tenant of the simulator has), and optionally its verified domain, its app
 * registration (client id, client secret, client certificates) and its initial content. A mutable builder, not
 * thread-safe; {@code Builder.tenant} takes a copy, so changing a spec afterwards changes nothing.
 *
 * <p>What is left unset is taken from the primary tenant (the {@link SimulatorBuilder}'s own settings,
 * as they are at {@code build()}): the same client id, client secret and certificates (one multi-tenant app
 * consented in both tenants), the same content types, blobs per content type, records per blob and backlog. Two
 * exceptions, since tenants cannot share them: the domain defaults to {@code tenant<n>-sim.onmicrosoft.com}
 * ({@code n} = 2 for the first spec added, 3 for the next, ...), and the seed is derived from the primary's seed and
 * {@code n} (the records, contentIds and faults of each tenant stay deterministic for a seeded simulator, and differ
 * between tenants).
 */
public final class TenantSpec {

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final String tenantId;
    private String tenantDomain;
    private String clientId;
    private String clientSecret;
    private final List<X509Certificate> clientCertificates = new ArrayList<>();
    private List<String> contentTypes;
    private Integer blobsPerContentType;
    private Integer recordsPerBlob;
    private Duration backlog;
    private Long seed;

    private TenantSpec(String tenantId) {
        this.tenantId = requireGuid(tenantId, "tenantId");
    }

    /** A spec for the tenant with that id (a GUID); everything else defaults as the class documentation says. */
    public static TenantSpec of(String tenantId) {
        return new TenantSpec(tenantId);
    }

    /** A verified domain of the tenant, accepted by the token endpoints instead of the GUID; unique per simulator. */
    public TenantSpec tenantDomain(String domain) {
        this.tenantDomain = Objects.requireNonNull(domain, "tenantDomain");
        return this;
    }

    /** The client id (a GUID) of the app registered in this tenant. */
    public TenantSpec clientId(String guid) {
        this.clientId = requireGuid(guid, "clientId");
        return this;
    }

    public TenantSpec clientSecret(String secret) {
        this.clientSecret = Objects.requireNonNull(secret, "clientSecret");
        return this;
    }

    /**
     * Registers one more certificate of the app in this tenant (for the client-assertion flow); may be called several
     * times. When never called, the tenant accepts the primary tenant's certificates.
     */
    public TenantSpec clientCertificate(X509Certificate certificate) {
        clientCertificates.add(Objects.requireNonNull(certificate, "certificate"));
        return this;
    }

    /** Content types that get initial blobs. */
    public TenantSpec contentTypes(List<String> types) {
        for (String t : types) {
            if (!ManagementApiSimulator.ALL_CONTENT_TYPES.contains(t)) {
                throw new IllegalArgumentException("not a content type: " + t);
            }
        }
        this.contentTypes = List.copyOf(types);
        return this;
    }

    public TenantSpec blobsPerContentType(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("blobsPerContentType must be >= 0");
        }
        this.blobsPerContentType = n;
        return this;
    }

    public TenantSpec recordsPerBlob(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("recordsPerBlob must be >= 1");
        }
        this.recordsPerBlob = n;
        return this;
    }

    /** Initial blobs' contentCreated spread evenly over [now - d, now - 1 minute]. */
    public TenantSpec backlog(Duration d) {
        this.backlog = Objects.requireNonNull(d, "backlog");
        return this;
    }

    public TenantSpec seed(long seed) {
        this.seed = seed;
        return this;
    }

    public String tenantId() {
        return tenantId;
    }

    /** A copy (what {@code Builder.tenant} keeps). */
    TenantSpec copy() {
        TenantSpec c = new TenantSpec(tenantId);
        c.tenantDomain = tenantDomain;
        c.clientId = clientId;
        c.clientSecret = clientSecret;
        c.clientCertificates.addAll(clientCertificates);
        c.contentTypes = contentTypes;
        c.blobsPerContentType = blobsPerContentType;
        c.recordsPerBlob = recordsPerBlob;
        c.backlog = backlog;
        c.seed = seed;
        return c;
    }

    // the settings, null (or empty) where unset: SimulatorBuilder fills in the defaults

    String tenantDomainOrNull() {
        return tenantDomain;
    }

    String clientIdOrNull() {
        return clientId;
    }

    String clientSecretOrNull() {
        return clientSecret;
    }

    List<X509Certificate> clientCertificates() {
        return List.copyOf(clientCertificates);
    }

    List<String> contentTypesOrNull() {
        return contentTypes;
    }

    Integer blobsPerContentTypeOrNull() {
        return blobsPerContentType;
    }

    Integer recordsPerBlobOrNull() {
        return recordsPerBlob;
    }

    Duration backlogOrNull() {
        return backlog;
    }

    Long seedOrNull() {
        return seed;
    }

    private static String requireGuid(String s, String what) {
        if (s == null || !GUID.matcher(s).matches()) {
            throw new IllegalArgumentException(what + " must be a GUID: " + s);
        }
        return s;
    }
}
