package io.github.o365auditcamel.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.github.o365auditcamel.auth.CertificateFile;
import io.github.o365auditcamel.auth.TrustedCertificates;
import io.github.o365auditcamel.publish.RoutingRules;

/**
 * Every setting of the collector, read once at startup and checked: a missing or malformed value stops startup with
 * one line naming its environment variable. Each setting is a property in {@code application.properties}
 * ({@code o365.tenant-id}) and the environment variable of the same name ({@code O365_TENANT_ID}) overrides it.
 */
public record CollectorSettings(
        String tenantName,
        String tenantId,
        String clientId,
        String clientSecret,
        Path clientCertificate,
        String clientCertificatePassword,
        Cloud cloud,
        String loginUrl,
        String apiUrl,
        List<String> contentTypes,
        String publisherId,
        Duration pollInterval,
        Duration initialLookback,
        String topicPrefix,
        String kafkaBrokers,
        Duration listingOverlap,
        String stateTopic,
        String instanceId,
        Duration kafkaTransactionTimeout,
        int kafkaLingerMs,
        String kafkaCompression,
        Duration dedupeWindow,
        int dedupeCapacity,
        String deadLetterTopic,
        Duration deadLetterRetryDelay,
        int deadLetterMaxRetries,
        int apiRequestsPerMinute,
        int managementPort,
        String contentRefsTopic,
        int contentRefsPartitions,
        int fetchConcurrency,
        String cluster,
        String clusterDirectory,
        URI proxy,
        String proxyUsername,
        String proxyPassword,
        TrustedCertificates trustedCertificates,
        String topicLayout,
        TopicSettings topics,
        SizeLimits limits,
        Duration stallAfter,
        int pendingBlobsPerTenant,
        int listingThreads,
        int listingShards,
        Duration subscriptionStartInterval,
        String tracing,
        RoutingRules routingRules,
        GapRepairSettings gapRepair) {

    public static final List<String> ALL_CONTENT_TYPES = List.of(
            "Audit.AzureActiveDirectory", "Audit.Exchange", "Audit.SharePoint", "Audit.General", "DLP.All");

    static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]*");
    static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final List<String> CLUSTERS = List.of("file", "kubernetes");
    static final Pattern BROKER = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}");
    private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,29}");
    private static final List<String> TOPIC_LAYOUTS = List.of("shared", "per-tenant");
    /** {@code o365.tracing}: {@code off}, or spans of the routes to an OTLP endpoint (the {@code OTEL_*} variables) */
    public static final String TRACING_OTLP = "otlp";
    private static final List<String> TRACINGS = List.of("off", TRACING_OTLP);

    /** The name of the one tenant of a configuration without {@code o365.tenants}. */
    public static final String DEFAULT_TENANT = "default";

    /**
     * The settings that each tenant of {@code o365.tenants} may set for itself, as {@code o365.tenant.<name>.<key>}
     * ({@code O365_TENANT_<NAME>_<KEY>}); unset, a tenant takes the top-level value, except for its tenant id.
     */
    public static final List<String> TENANT_SETTINGS = List.of("o365.tenant-id", "o365.client-id",
            "o365.client-secret", "o365.client-certificate", "o365.client-certificate-password", "o365.cloud",
            "o365.login-url", "o365.api-url", "o365.content-types", "o365.publisher-id", "o365.poll-interval",
            "o365.initial-lookback", "o365.topic-prefix", "o365.api.requests-per-minute", "o365.gap-repair");

    /**
     * Settings that were a tenant's before all tenants shared one data plane (one content-refs topic, one group of
     * fetchers): a tenant that still sets one is told so, rather than having it ignored.
     */
    public static final List<String> DEPLOYMENT_ONLY = List.of("o365.content-refs-topic", "o365.fetch-concurrency");

    /**
     * Reads and checks every setting.
     *
     * @param lookup property name ({@code o365.tenant-id}) to its value, or null when unset
     * @throws InvalidSettingException naming the first bad setting
     */
    public static CollectorSettings from(Function<String, String> lookup) {
        return allFrom(lookup).get(0);
    }

    /**
     * The settings of every tenant: those named in {@code o365.tenants}, each with its own {@code o365.tenant.<name>.*}
     * settings over the top-level ones, or else the one tenant of the top-level settings, named
     * {@value #DEFAULT_TENANT}.
     *
     * @throws InvalidSettingException naming the first bad setting
     */
    public static List<CollectorSettings> allFrom(Function<String, String> lookup) {
        // the deployment's, the same for every tenant: read (and their files loaded) once
        SettingsReader deployment = new SettingsReader(lookup, null);
        TrustedCertificates trusted = trustedCertificates(deployment);
        RoutingRules rules = readRoutingRules(deployment);
        String tenants = lookup.apply("o365.tenants");
        if (tenants == null || tenants.isBlank()) {
            return List.of(read(lookup, null, trusted, rules));
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : tenants.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!TENANT_NAME.matcher(name).matches()) {
                throw new InvalidSettingException(variableOf("o365.tenants"), "names a tenant '" + name + "': a name"
                        + " is lower-case letters, digits and '-' (at most 30), such as contoso or fabrikam-eu");
            }
            if (!names.add(name)) {
                throw new InvalidSettingException(variableOf("o365.tenants"), "names tenant '" + name + "' twice");
            }
        }
        if (names.isEmpty()) {
            throw new InvalidSettingException(variableOf("o365.tenants"), "names no tenant");
        }
        String topLevelTenant = lookup.apply("o365.tenant-id");
        if (topLevelTenant != null && !topLevelTenant.isBlank()) {
            throw new InvalidSettingException(variableOf("o365.tenant-id"), "is set, but O365_TENANTS names the"
                    + " tenants: give each its own, O365_TENANT_<NAME>_TENANT_ID");
        }
        List<CollectorSettings> all = new ArrayList<>();
        Set<String> tenantIds = new LinkedHashSet<>();
        for (String name : names) {
            for (String property : DEPLOYMENT_ONLY) {
                String own = lookup.apply(tenantKey(name, property));
                if (own != null && !own.isBlank()) {
                    throw new InvalidSettingException(variableOf(tenantKey(name, property)), "is no longer a"
                            + " tenant's: every tenant shares the content-refs topic and the fetchers; set "
                            + variableOf(property) + " for the deployment");
                }
            }
            CollectorSettings tenant = read(lookup, name, trusted, rules);
            if (!tenantIds.add(tenant.tenantId())) {
                throw new InvalidSettingException(variableOf(tenantKey(name, "o365.tenant-id")), "is the tenant id of"
                        + " another tenant as well: " + tenant.tenantId());
            }
            all.add(tenant);
        }
        return List.copyOf(all);
    }

    /** {@code o365.tenant.<name>.client-id} for {@code o365.client-id}. */
    public static String tenantKey(String tenantName, String property) {
        return "o365.tenant." + tenantName + "." + property.substring("o365.".length());
    }

    /** The routing rules of {@code o365.routing-rules}, or none when unset. */
    private static RoutingRules readRoutingRules(SettingsReader r) {
        Path file = r.path("o365.routing-rules");
        if (file == null) {
            return RoutingRules.NONE;
        }
        try {
            return RoutingRules.load(file);
        } catch (IllegalArgumentException e) {
            throw r.invalid("o365.routing-rules", e.getMessage());
        }
    }

    /** The extra certificate authorities of {@code o365.trusted-certificates}, or null when unset. */
    private static TrustedCertificates trustedCertificates(SettingsReader r) {
        Path file = r.path("o365.trusted-certificates");
        if (file == null) {
            return null;
        }
        try {
            return TrustedCertificates.load(file);
        } catch (IllegalArgumentException e) {
            throw r.invalid("o365.trusted-certificates", "is not usable: " + e.getMessage());
        }
    }

    private static CollectorSettings read(Function<String, String> lookup, String tenantName,
            TrustedCertificates trustedCertificates, RoutingRules routingRules) {
        SettingsReader r = new SettingsReader(lookup, tenantName);
        String tenantId = r.guid("o365.tenant-id", null);
        String clientId = r.guid("o365.client-id", null);
        // a client secret or a certificate, not both
        String clientSecret = r.value("o365.client-secret");
        Path clientCertificate = r.path("o365.client-certificate");
        String clientCertificatePassword = r.value("o365.client-certificate-password");
        // a tenant's own credential replaces the top-level one of the other kind: a certificate tenant among tenants
        // that share the top-level secret
        if (r.isOwn("o365.client-certificate") && !r.isOwn("o365.client-secret")) {
            clientSecret = null;
        } else if (r.isOwn("o365.client-secret") && !r.isOwn("o365.client-certificate")) {
            clientCertificate = null;
            clientCertificatePassword = null;
        }
        if (clientSecret != null && clientCertificate != null) {
            throw r.invalid("o365.client-certificate", "and " + r.source("o365.client-secret")
                    + " are both set: the app authenticates with a certificate or a client secret, not both");
        }
        if (clientSecret == null && clientCertificate == null) {
            throw r.invalid("o365.client-secret", "is required but not set (or " + r.source("o365.client-certificate")
                    + ", the path of a certificate and its key, PEM or PKCS#12)");
        }
        if (clientCertificate != null) {
            try {
                CertificateFile.load(clientCertificate,
                        clientCertificatePassword == null ? new char[0] : clientCertificatePassword.toCharArray());
            } catch (IllegalArgumentException e) {
                throw r.invalid("o365.client-certificate", "is not usable: " + e.getMessage());
            }
        }
        Cloud cloud = r.cloud("o365.cloud");
        // the token is only ever asked for over TLS (Microsoft's sign-in library refuses anything else)
        String loginUrl = r.url("o365.login-url", cloud.loginUrl(), true);
        String apiUrl = r.url("o365.api-url", cloud.apiUrl(), false);
        List<String> contentTypes = r.contentTypes("o365.content-types");
        String publisherId = r.guid("o365.publisher-id", tenantId);
        Duration pollInterval = r.duration("o365.poll-interval", Duration.ofSeconds(1));
        Duration initialLookback = r.duration("o365.initial-lookback", Duration.ofMinutes(1));
        String topicPrefix = r.topicName("o365.topic-prefix", true);
        String kafkaBrokers = r.brokers("kafka.brokers", "localhost:9092");
        Duration listingOverlap = r.duration("o365.listing-overlap", Duration.ZERO);
        String stateTopic = r.topicName("o365.state-topic", false);
        String instanceId = r.instanceId("o365.instance-id");
        // a broker refuses a producer whose transactions may last longer than transaction.max.timeout.ms (15 min unless
        // raised on the broker)
        Duration transactionTimeout = r.duration("kafka.transaction-timeout", Duration.ofSeconds(5),
                Duration.ofMinutes(15));
        int lingerMs = r.integer("kafka.producer.linger-ms", 0, 60_000);
        String compression = r.oneOf("kafka.producer.compression", COMPRESSIONS);
        Duration dedupeWindow = r.duration("o365.dedupe-window", Duration.ZERO);
        int dedupeCapacity = r.integer("o365.dedupe-capacity", 0, 10_000_000);
        String deadLetterTopic = r.topicName("o365.deadletter-topic", false);
        Duration deadLetterRetryDelay = r.duration("o365.deadletter.retry-delay", Duration.ofSeconds(1));
        int deadLetterMaxRetries = r.integer("o365.deadletter.max-retries", 0, 1000);
        int apiRequestsPerMinute = r.integer("o365.api.requests-per-minute", 1, 100_000);
        // read by the routes as placeholders (error-handling and management-api.camel.yaml): checked here, so that a
        // mistake is one line naming it, not a route that fails to start
        r.integer("o365.api.max-retries", 0, 100);
        r.integer("o365.api.retry-delay-millis", 1, 600_000);
        r.integer("o365.api.connect-timeout", 1, 600_000);
        r.integer("o365.api.response-timeout", 1, 3_600_000);
        int managementPort = r.integer("o365.management-port", 1, 65_535);
        // one for every tenant: a reference's key names its tenant, whose token fetches the blob
        String contentRefsTopic = r.topicName("o365.content-refs-topic", false);
        int contentRefsPartitions = r.integer("o365.content-refs-partitions", 1, 1000);
        int fetchConcurrency = r.integer("o365.fetch-concurrency", 1, 100);
        String cluster = r.oneOf("o365.cluster", CLUSTERS);
        String clusterDirectory = r.value("o365.cluster-directory");
        if (clusterDirectory == null) {
            clusterDirectory = Path.of(System.getProperty("java.io.tmpdir"), "o365-audit-camel-cluster").toString();
        }
        // the proxy for the token and API calls, O365_PROXY_URL; credentials from O365_PROXY_USERNAME and
        // O365_PROXY_PASSWORD, else from the URL's user info
        URI proxy = r.proxy("o365.proxy-url");
        String proxyUsername = r.value("o365.proxy-username");
        String proxyPassword = r.value("o365.proxy-password");
        if (proxy != null && proxy.getRawUserInfo() != null) {
            String[] userInfo = proxy.getRawUserInfo().split(":", 2);
            if (proxyUsername == null) {
                proxyUsername = decode(userInfo[0]);
                proxyPassword = userInfo.length > 1 ? decode(userInfo[1]) : proxyPassword;
            }
        }
        if (proxy != null) {
            proxy = URI.create(proxy.getScheme() + "://" + proxy.getHost() + ":" + proxy.getPort());
        }
        if (proxyUsername != null && proxyPassword == null) {
            throw new InvalidSettingException(variableOf("o365.proxy-password"),
                    "is required with O365_PROXY_USERNAME but not set");
        }
        String topicLayout = r.oneOf("o365.topic-layout", TOPIC_LAYOUTS);
        // how missing topics are created: unset (0) leaves it to the broker's defaults
        TopicSettings topics = new TopicSettings(
                r.value("o365.topic-partitions") == null ? 0 : r.integer("o365.topic-partitions", 0, 10_000),
                r.value("o365.topic-replication-factor") == null ? 0
                        : r.integer("o365.topic-replication-factor", 0, 32),
                r.value("o365.topic-retention") == null ? null
                        : r.duration("o365.topic-retention", Duration.ofHours(1)));
        // a content type whose polls all fail this long is named by readiness
        Duration stallAfter = r.duration("o365.stall-after", Duration.ofSeconds(10));
        // a tenant's share of the content-refs topic, which all tenants' fetchers take from in order
        int pendingBlobsPerTenant = r.integer("o365.pending-blobs-per-tenant", 1, 100_000);
        // the listings and subscription starts of every tenant run on this many threads
        int listingThreads = r.integer("o365.listing-threads", 1, 200);
        // the tenants' listings are shared out among the instances in this many parts, one leader each
        int listingShards = r.integer("o365.listing-shards", 1, 1000);
        // at most one subscriptions/start request per tenant in this time (Microsoft's rule: 15 minutes)
        Duration subscriptionStartInterval = r.duration("o365.subscription-start-interval", Duration.ZERO,
                Duration.ofDays(1));
        // spans of the routes over OTLP, to where OpenTelemetry's own OTEL_* variables say; off costs nothing
        String tracing = r.oneOf("o365.tracing", TRACINGS);
        // what a blob may hold: past these, a dead letter with the figure, never memory
        SizeLimits limits = new SizeLimits(r.integer("o365.max-record-bytes", 1024, 100_000_000),
                r.longInteger("o365.max-blob-bytes", 1024 * 1024, 64L << 30));
        // a gap older than the service keeps content: logged, or repaired through Microsoft Graph (global cloud only)
        GapRepairSettings gapRepair = GapRepairSettings.read(r, cloud);
        return new CollectorSettings(tenantName == null ? DEFAULT_TENANT : tenantName, tenantId, clientId,
                clientSecret, clientCertificate, clientCertificatePassword, cloud, loginUrl, apiUrl, contentTypes,
                publisherId, pollInterval, initialLookback, topicPrefix, kafkaBrokers, listingOverlap, stateTopic,
                instanceId, transactionTimeout, lingerMs, compression, dedupeWindow, dedupeCapacity, deadLetterTopic,
                deadLetterRetryDelay, deadLetterMaxRetries, apiRequestsPerMinute, managementPort, contentRefsTopic,
                contentRefsPartitions, fetchConcurrency, cluster, clusterDirectory, proxy, proxyUsername,
                proxyPassword, trustedCertificates, topicLayout, topics, limits, stallAfter, pendingBlobsPerTenant,
                listingThreads, listingShards, subscriptionStartInterval, tracing,
                routingRules, gapRepair);
    }

    /**
     * The Camel cluster namespace whose leader lists the tenant's content (lock file name, Lease name): one of
     * {@code o365.listing-shards}, the same for a tenant on every instance, so that the instances share the tenants
     * out through a few leaders rather than one per tenant. It names the deployment's content-refs topic, so that two
     * deployments in one namespace (each with its own topic) never share a leader:
     * {@code o365-listing-o365-audit-camel.content-refs-shard-3}.
     */
    public String listingLeadership() {
        String deployment = contentRefsTopic.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return "o365-listing-" + deployment + "-shard-" + listingShard(tenantId, listingShards);
    }

    /** The shard a tenant's listing belongs to: from its tenant id, the same on every instance and after restarts. */
    public static int listingShard(String tenantId, int shards) {
        return Math.floorMod(tenantId.toLowerCase(java.util.Locale.ROOT).hashCode(), shards);
    }

    /** The consumer group of every instance's blob fetchers, for every tenant (per content-refs topic). */
    public String fetcherGroup() {
        return contentRefsTopic + ".fetchers";
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The environment variable that sets a property: {@code o365.tenant-id} is {@code O365_TENANT_ID}. */
    public static String variableOf(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Whether the routes' spans go to an OTLP endpoint ({@code o365.tracing=otlp}). */
    public boolean tracesToOtlp() {
        return TRACING_OTLP.equals(tracing);
    }

    /** Whether records the service serves twice are dropped (a window and a capacity above zero). */
    public boolean dedupeEnabled() {
        return dedupeCapacity > 0 && !dedupeWindow.isZero();
    }

    /** The longest wait before a dead-lettered blob is fetched again: the delay doubles per attempt up to this. */
    public Duration deadLetterMaxRetryDelay() {
        Duration hour = Duration.ofHours(1);
        return deadLetterRetryDelay.compareTo(hour) > 0 ? deadLetterRetryDelay : hour;
    }

    /** The wait before the given retry (1, 2, ...) of a dead-lettered blob: the delay, doubled per retry, capped. */
    public Duration deadLetterRetryDelay(int retry) {
        Duration delay = deadLetterRetryDelay.multipliedBy(1L << Math.min(Math.max(retry - 1, 0), 20));
        return delay.compareTo(deadLetterMaxRetryDelay()) > 0 ? deadLetterMaxRetryDelay() : delay;
    }

    /**
     * The Kafka topic of a content type's records: prefix plus the lower-case content type, shared by every tenant
     * ({@code o365.audit.exchange}); with {@code o365.topic-layout=per-tenant}, the tenant's name in between
     * ({@code o365.contoso.audit.exchange}).
     */
    public String topicFor(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return topicLayout.equals("per-tenant") ? topicPrefix + tenantName + "." + type : topicPrefix + type;
    }

    /** Whether the app authenticates with a certificate (else with a client secret). */
    public boolean usesCertificate() {
        return clientCertificate != null;
    }

    /** The client-credentials scope: the cloud's Management API resource, independent of any URL override. */
    public String tokenScope() {
        return cloud.tokenScope();
    }

    /** The v2 token endpoint of the tenant. */
    public String tokenEndpoint() {
        return loginUrl + "/" + tenantId + "/oauth2/v2.0/token";
    }

    /** The root of the tenant's activity feed, {@code {api}/api/v1.0/{tenant}/activity/feed}. */
    public String feedUrl() {
        return apiUrl + "/api/v1.0/" + tenantId + "/activity/feed";
    }

    @Override
    public String toString() {
        // the record's default toString would print the client secret
        return "CollectorSettings[tenantName=" + tenantName + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "null" : "****") + ", clientCertificate="
                + clientCertificate + ", clientCertificatePassword="
                + (clientCertificatePassword == null ? "null" : "****")
                + ", cloud=" + cloud + ", loginUrl=" + loginUrl + ", apiUrl=" + apiUrl + ", contentTypes=" + contentTypes
                + ", publisherId=" + publisherId + ", pollInterval=" + pollInterval + ", initialLookback="
                + initialLookback + ", topicPrefix=" + topicPrefix + ", kafkaBrokers=" + kafkaBrokers
                + ", listingOverlap=" + listingOverlap + ", stateTopic=" + stateTopic + ", instanceId=" + instanceId
                + ", kafkaTransactionTimeout=" + kafkaTransactionTimeout + ", kafkaLingerMs=" + kafkaLingerMs
                + ", kafkaCompression=" + kafkaCompression + ", dedupeWindow=" + dedupeWindow
                + ", dedupeCapacity=" + dedupeCapacity + ", deadLetterTopic=" + deadLetterTopic
                + ", deadLetterRetryDelay=" + deadLetterRetryDelay + ", deadLetterMaxRetries=" + deadLetterMaxRetries
                + ", apiRequestsPerMinute=" + apiRequestsPerMinute + ", managementPort=" + managementPort
                + ", contentRefsTopic=" + contentRefsTopic + ", contentRefsPartitions=" + contentRefsPartitions
                + ", fetchConcurrency=" + fetchConcurrency + ", cluster=" + cluster + ", clusterDirectory="
                + clusterDirectory + ", proxy=" + proxy + ", proxyUsername=" + proxyUsername
                + ", proxyPassword=" + (proxyPassword == null ? "null" : "****") + ", trustedCertificates="
                + trustedCertificates + ", topicLayout=" + topicLayout + ", topics=" + topics + ", limits=" + limits
                + ", stallAfter=" + stallAfter + ", tracing=" + tracing + ", gapRepair=" + gapRepair + "]";
    }
}
