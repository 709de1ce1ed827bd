package io.github.o365auditcamel;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import com.microsoft.aad.msal4j.IHttpClient;
import io.github.o365auditcamel.api.ApiRateLimiter;
import io.github.o365auditcamel.api.ApiResponseClassifier;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.auth.TrustedCertificates;
import io.github.o365auditcamel.cluster.ListingLeadership;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.history.GapRepairs;
import io.github.o365auditcamel.history.GraphAuditQueries;
import io.github.o365auditcamel.history.Replays;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.fetch.BlobFailures;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.fetch.ContentReferences;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.listing.ListingSchedule;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.listing.PendingBlobs;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.metrics.KafkaClientMeters;
import io.github.o365auditcamel.progress.CollectorReadinessCheck;
import io.github.o365auditcamel.progress.ContentTypeHealthCheck;
import io.github.o365auditcamel.progress.FailureReason;
import io.github.o365auditcamel.progress.PollReport;
import io.github.o365auditcamel.progress.SubscriptionTable;
import io.github.o365auditcamel.publish.BlobPublisher;
import io.github.o365auditcamel.publish.DeadLetterRetries;
import io.github.o365auditcamel.publish.RecentRecordIdsByType;
import io.github.o365auditcamel.publish.TransactionalProducers;
import io.github.o365auditcamel.publish.UnknownTenantReferences;
import io.github.o365auditcamel.state.KafkaStateStore;
import io.github.o365auditcamel.state.KafkaTopics;
import io.github.o365auditcamel.state.PublishedBlobRepository;
import io.github.o365auditcamel.state.TenantState;
import io.github.o365auditcamel.tenancy.Tenant;
import io.github.o365auditcamel.tenancy.TenantApis;
import io.github.o365auditcamel.tenancy.TenantListingWindows;
import io.github.o365auditcamel.tenancy.TenantPublishers;
import io.github.o365auditcamel.tenancy.TenantRateLimits;
import io.github.o365auditcamel.tenancy.TenantSubscriptionStarts;
import io.github.o365auditcamel.tenancy.TenantLifecycle;
import io.github.o365auditcamel.tenancy.TenantTokens;
import io.github.o365auditcamel.tenancy.Tenants;
import io.github.o365auditcamel.tenancy.TenantsFile;
import io.github.o365auditcamel.tenancy.TenantsReload;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.client5.http.entity.BrotliDecompressingEntity;
import org.apache.hc.client5.http.entity.BrotliInputStreamFactory;
import org.apache.hc.client5.http.entity.DeflateInputStreamFactory;
import org.apache.hc.client5.http.entity.InputStreamFactory;

/**
 * Wires the collector's beans from the checked settings; the YAML routes refer to them by these names.
 * Named in {@code application.properties} ({@code camel.main.configuration-classes}), so the application and the
 * tests get the same wiring.
 */
public class CollectorConfiguration implements CamelConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CollectorConfiguration.class);

    /**
     * Whether a setting is read past Camel's property parser, which logs values at DEBUG: client secrets and
     * passwords, the top-level ones and each tenant's, and the proxy URL, which may carry a password.
     */
    static boolean isSensitive(String property) {
        return property.endsWith("client-secret") || property.endsWith("password") || property.endsWith("proxy-url");
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Function<String, String> lookup = lookupOf(properties);
        TenantsFile tenantsFile = TenantsFile.of(lookup);
        Map<String, String> tenantsFileValues = tenantsFile == null ? Map.of() : tenantsFile.read();
        List<CollectorSettings> all = allSettingsFrom(lookup, tenantsFile, tenantsFileValues);
        // the settings every tenant shares (Kafka, the instance, management, cluster, proxy) are the same in each
        CollectorSettings shared = all.get(0);
        // the API endpoint of routes/management-api.camel.yaml: o365.api-url, or else the API host of O365_CLOUD (each
        // call names its tenant's own host in CamelHttpUri; the endpoint only picks Camel's HTTP component)
        properties.addOverrideProperty("o365.api-url", shared.apiUrl());
        // the fetchers of every tenant (routes/fetch-content.camel.yaml): one topic, one consumer group
        properties.addOverrideProperty("o365.content-refs-topic", shared.contentRefsTopic());
        properties.addOverrideProperty("o365.fetcher-group", shared.fetcherGroup());
        properties.addOverrideProperty("o365.fetch-concurrency", String.valueOf(shared.fetchConcurrency()));

        // the metrics registry Camel serves at /observe/metrics: camel-micrometer-prometheus's, when it is already
        // there, or one it will find by this name
        Registry registry = context.getRegistry();
        MeterRegistry meters = meterRegistry(registry);

        // the proxy first: the tenants' token clients are built below
        useProxy(context, shared);
        // every Kafka client's connection and security settings: KAFKA_BROKERS and camel.component.kafka.*
        KafkaClientSettings kafka = KafkaClientSettings.of(context, shared.kafkaBrokers());
        registry.bind("kafkaClientSettings", kafka);
        // the Kafka clients' own metrics, the routes' (camel-kafka makes them through this factory) and ours
        KafkaClientMeters kafkaMeters = new KafkaClientMeters(meters);
        context.getComponent("kafka", KafkaComponent.class).setKafkaClientFactory(kafkaMeters);
        kafka.exportMetricsTo(kafkaMeters);

        // started in this order, before the routes: the topics; the transactional producers, which abort what a
        // previous run of this instance left open; then the state, read from its topic. One of each for the instance,
        // whatever the number of tenants: a tenant is configuration and state, not Kafka clients
        KafkaTopics topics = new KafkaTopics(all, kafka);
        context.addService(topics, true, true);
        TransactionalProducers producers = new TransactionalProducers(shared, kafka);
        context.addService(producers, true, true);
        KafkaStateStore state = new KafkaStateStore(shared, kafka);
        context.addService(state, true, true);
        BlobRecordStreamer streamer = new BlobRecordStreamer(shared.limits().maxRecordBytes(),
                shared.limits().maxBlobBytes());
        RecentRecordIdsByType recentIds = new RecentRecordIdsByType(shared);
        IHttpClient loginHost = TokenProvider.loginHostClient(shared);
        // Microsoft Graph, for the tenants that repair gaps: one client for them all, made when the first needs it
        Supplier<HttpClient> graphHost = new Supplier<>() {
            private HttpClient client;

            @Override
            public synchronized HttpClient get() {
                if (client == null) {
                    client = TokenProvider.proxiedHttpClient(shared);
                }
                return client;
            }
        };
        // the tenants are added below, and when the tenants file changes (TenantLifecycle)
        Tenants tenants = new Tenants(List.of());
        // one instance at a time lists a tenant (the leader of its listing shard); every instance fetches
        ListingLeadership leadership = new ListingLeadership(shared);
        leadership.addTo(context);

        useTrustedCertificates(context, shared);
        sizeConnectionPool(context, shared);
        inflateInLargeChunks(context);
        SubscriptionTable subscriptionTable = new SubscriptionTable(List.of());
        boolean severalTenants = all.size() > 1 || tenantsFile != null;
        ContentTypeHealthCheck contentTypeHealth = new ContentTypeHealthCheck(severalTenants, leadership::isLeader,
                shared.stallAfter(), Clock.systemUTC());

        registry.bind("tenants", tenants);
        registry.bind("publishedBlobRepository", new PublishedBlobRepository(name -> tenants.get(name).stateStore()));
        registry.bind("tenantTokens", new TenantTokens(tenants));
        registry.bind("tenantApis", new TenantApis(tenants));
        registry.bind("apiResponseClassifier", new ApiResponseClassifier(name -> tenants.get(name).metrics()));
        registry.bind("tenantRateLimits", new TenantRateLimits(tenants));
        registry.bind("tenantSubscriptionStarts",
                new TenantSubscriptionStarts(tenants, shared.subscriptionStartInterval(), Clock.systemUTC()));
        registry.bind("tenantListingWindows", new TenantListingWindows(tenants));
        registry.bind("tenantPublishers", new TenantPublishers(tenants));
        registry.bind("blobFailures", new BlobFailures());
        registry.bind("contentReferences", new ContentReferences());
        registry.bind("unknownTenantReferences", new UnknownTenantReferences(shared, producers, state));
        PendingBlobs pendingBlobs = new PendingBlobs(shared.pendingBlobsPerTenant(),
                name -> tenants.get(name).stateStore());
        registry.bind("pendingBlobs", pendingBlobs);
        // every tenant's subscription start and listings, when due, on o365.listing-threads threads, a few tasks per
        // thread handed out at a time (the queue holds them all, whatever the number of tenants)
        int mostRunning = 4 * shared.listingThreads();
        properties.addOverrideProperty("o365.listing-threads", String.valueOf(shared.listingThreads()));
        properties.addOverrideProperty("o365.listing-queue-size", String.valueOf(mostRunning));
        ListingSchedule schedule = new ListingSchedule(List.of(), leadership::isLeader, pendingBlobs::hasRoom,
                state::catchUp, System::nanoTime, mostRunning);
        registry.bind("listingSchedule", schedule);
        // in JMX and Hawtio: the listings stopped by a fatal answer, and resumeListing()
        context.addService(schedule, true, true);
        // dead-lettered blobs fetched again when due, from the state topic, by the instance that lists their tenant
        registry.bind("deadLetterRetries", new DeadLetterRetries(state, tenants, schedule::lists, Clock.systemUTC()));
        // gaps older than the service keeps content, repaired through Microsoft Graph by the instance that lists them
        GapRepairs gapRepairs = new GapRepairs(tenants, schedule::lists, producers, kafka, Clock.systemUTC());
        registry.bind("gapRepairs", gapRepairs);
        context.addService(gapRepairs, true, true);
        // replays operators ask for (bin/replay), run by the instance that lists their tenant
        Replays replays = new Replays(tenants, schedule::lists, producers, streamer, context, Clock.systemUTC());
        registry.bind("replays", replays);
        context.addService(replays, true, true);
        registry.bind("subscriptionTable", subscriptionTable);
        registry.bind("pollReport", new PollReport(name -> tenants.get(name).stateStore(),
                name -> tenants.get(name).metrics()::freshness));
        registry.bind("failureReason", new FailureReason());
        registry.bind("contentTypeHealthCheck", contentTypeHealth);

        // readiness: Kafka, each tenant's token and subscriptions; and no content type stopped by a fatal answer
        // (with several tenants: ready while one of them collects; o365_tenant_ready says which)
        CollectorReadinessCheck readiness = new CollectorReadinessCheck(tenants, kafka, topics::problem,
                subscriptionTable, contentTypeHealth, Clock.systemUTC());

        // each tenant: its own beans over the shared clients, and its rows in the schedule
        TenantLifecycle lifecycle = new TenantLifecycle(settings -> tenant(settings, meters, producers,
                state.of(settings.tenantId()), recentIds, streamer, loginHost, graphHost), tenants, leadership,
                subscriptionTable, contentTypeHealth, schedule, readiness);
        all.forEach(lifecycle::add);
        // tenants added, removed and changed while it runs: the tenants file, read again (route reload-tenants)
        TenantsReload reload = new TenantsReload(tenantsFile, lookup, tenant -> ensureTopics(topics, tenant),
                lifecycle, tenantsFileValues, all);
        registry.bind("tenantsReload", reload);
        FunctionCounter.builder("o365.tenants.file.rejected", reload, TenantsReload::failedReloads)
                .description("Reads of the tenants file not applied because it was not valid (the line logged says why)")
                .register(meters);
        HealthCheckRegistry healthChecks = HealthCheckRegistry.get(context);
        if (healthChecks != null) {
            healthChecks.register(readiness);
            healthChecks.register(contentTypeHealth);
        }
    }

    /** camel-micrometer-prometheus's registry when it is there already, else one bound where it will find it. */
    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        return meters;
    }

    /** A tenant's own beans, over the instance's shared Kafka clients. */
    private static Tenant tenant(CollectorSettings settings, MeterRegistry meters, TransactionalProducers producers,
            TenantState state, RecentRecordIdsByType recentIds, BlobRecordStreamer streamer, IHttpClient loginHost,
            Supplier<HttpClient> graphHost) {
        CollectorMetrics metrics = new CollectorMetrics(meters, settings.tenantName(), settings.contentTypes(),
                Clock.systemUTC());
        GraphAuditQueries graph = settings.gapRepair().enabled() ? new GraphAuditQueries(settings.gapRepair(),
                TokenProvider.forGraph(settings, metrics, loginHost), graphHost.get()) : null;
        return new Tenant(settings, metrics,
                new TokenProvider(settings, metrics, loginHost),
                new ApiRateLimiter(settings),
                new ManagementApi(settings),
                state,
                new ListingWindows(settings, state),
                new BlobPublisher(settings, producers, state, recentIds, streamer, metrics),
                graph);
    }

    /**
     * Extra certificate authorities ({@code o365.trusted-certificates}) for the API calls too (Camel's https
     * component); {@link TokenProvider} uses them for the login host.
     */
    private static void useTrustedCertificates(CamelContext context, CollectorSettings settings) {
        if (settings.trustedCertificates() == null) {
            return;
        }
        TrustedCertificates trusted = settings.trustedCertificates();
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setTrustManager(trusted.trustManager());
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(trustManagers);
        for (String scheme : List.of("http", "https")) {
            context.getComponent(scheme, HttpComponent.class).setSslContextParameters(tls);
        }
        LOG.info("Trusting {} certificate(s) from {} besides the JVM's authorities", trusted.size(),
                trusted.source());
    }

    /**
     * Enough HTTP connections to the API host for every thread that calls it at once: the fetchers and the listing
     * threads, which every tenant shares (retries are fetched by the fetchers). A tenant waiting for a connection that
     * another tenant's slow downloads hold would not be waiting on its own.
     */
    private static void sizeConnectionPool(CamelContext context, CollectorSettings shared) {
        int needed = shared.fetchConcurrency() + shared.listingThreads();
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            if (http.getConnectionsPerRoute() < needed) {
                http.setConnectionsPerRoute(needed);
            }
            if (http.getMaxTotalConnections() < 2 * needed) {
                http.setMaxTotalConnections(2 * needed);
            }
        }
    }

    /**
     * Bodies served gzip-compressed (blobs, listings) are inflated 16 KB of input at a time rather than the HTTP
     * client's 512 bytes: fewer, larger inflate calls (a tenth less CPU a record on the benchmark's blobs). The same
     * encodings are accepted as the client's default (gzip, x-gzip, deflate, and br when its decoder is present).
     */
    private static void inflateInLargeChunks(CamelContext context) {
        Map<String, InputStreamFactory> decoders = new LinkedHashMap<>();
        InputStreamFactory gzip = in -> new GZIPInputStream(in, 16 * 1024);
        decoders.put("gzip", gzip);
        decoders.put("x-gzip", gzip);
        decoders.put("deflate", DeflateInputStreamFactory.getInstance());
        if (BrotliDecompressingEntity.isAvailable()) {
            decoders.put("br", BrotliInputStreamFactory.getInstance());
        }
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            HttpClientConfigurer previous = http.getHttpClientConfigurer();
            http.setHttpClientConfigurer(builder -> {
                if (previous != null) {
                    previous.configureHttpClient(builder);
                }
                builder.setContentDecoderRegistry(new LinkedHashMap<>(decoders));
            });
        }
    }

    /**
     * The token and API calls through the proxy, when one is set: Camel's http components (the API) and, in
     * {@link TokenProvider}, the JDK's client (the login host). Set on the components rather than as endpoint or
     * {@code camel.component.*} properties, so that the password is in no URI and passes no property parser.
     */
    private static void useProxy(CamelContext context, CollectorSettings settings) {
        URI proxy = settings.proxy();
        if (proxy == null) {
            return;
        }
        for (String scheme : List.of("http", "https")) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setProxyHost(proxy.getHost());
            http.setProxyPort(proxy.getPort());
            // the scheme of the proxy itself, not of the targets
            http.setProxyAuthScheme(proxy.getScheme());
            if (settings.proxyUsername() != null) {
                http.setProxyAuthMethod("Basic");
                http.setProxyAuthUsername(settings.proxyUsername());
                http.setProxyAuthPassword(settings.proxyPassword());
            }
        }
        LOG.info("Token and API calls go through the proxy {}{}", proxy,
                settings.proxyUsername() == null ? "" : " as " + settings.proxyUsername());
    }

    /**
     * Reads and checks every tenant's settings from Camel's properties (files, environment, system properties) and
     * the tenants file ({@code o365.tenants-file}), when there is one.
     */
    public static List<CollectorSettings> allSettingsFrom(PropertiesComponent properties) {
        Function<String, String> lookup = lookupOf(properties);
        TenantsFile tenantsFile = TenantsFile.of(lookup);
        return allSettingsFrom(lookup, tenantsFile, tenantsFile == null ? Map.of() : tenantsFile.read());
    }

    private static List<CollectorSettings> allSettingsFrom(Function<String, String> lookup, TenantsFile tenantsFile,
            Map<String, String> tenantsFileValues) {
        if (tenantsFile == null) {
            return CollectorSettings.allFrom(lookup);
        }
        try {
            return CollectorSettings.allFrom(TenantsFile.over(lookup, tenantsFileValues));
        } catch (InvalidSettingException e) {
            throw tenantsFile.inFile(e, tenantsFileValues);
        }
    }

    /** Every setting from Camel's properties; a sensitive one past its property parser, which logs values. */
    private static Function<String, String> lookupOf(PropertiesComponent properties) {
        return key -> isSensitive(key) ? quietLookup(properties, key) : properties.resolveProperty(key).orElse(null);
    }

    /** The record topics of a tenant added while the collector runs. */
    private static void ensureTopics(KafkaTopics topics, CollectorSettings tenant) {
        try {
            topics.ensure(tenant);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the topics of tenant " + tenant.tenantName());
        }
    }

    /**
     * A property read past Camel's property parser, which logs every value it resolves at DEBUG: for the client
     * secret. Same precedence as the parser: the environment variable, a JVM system property, then the override,
     * file and initial properties.
     */
    private static String quietLookup(PropertiesComponent properties, String key) {
        String env = System.getenv(CollectorSettings.variableOf(key));
        if (env != null && !env.isBlank()) {
            return env;
        }
        String system = System.getProperty(key);
        if (system != null) {
            return system;
        }
        return properties.loadProperties(key::equals).getProperty(key);
    }
}
