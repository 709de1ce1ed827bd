package io.github.o365auditcamel;

import java.net.URI;
import java.time.Clock;
import java.util.List;

import io.github.o365auditcamel.api.ApiRateLimiter;
import io.github.o365auditcamel.api.ApiResponseClassifier;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.cluster.ListingLeadership;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.BlobFailures;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.progress.CollectorReadinessCheck;
import io.github.o365auditcamel.progress.ContentTypeHealthCheck;
import io.github.o365auditcamel.progress.FailureReason;
import io.github.o365auditcamel.progress.PollReport;
import io.github.o365auditcamel.publish.BlobPublisher;
import io.github.o365auditcamel.publish.DeadLetterRetries;
import io.github.o365auditcamel.progress.SubscriptionTable;
import io.github.o365auditcamel.routes.ContentTypeRoutes;
import io.github.o365auditcamel.state.KafkaStateStore;
import io.github.o365auditcamel.state.KafkaTopics;
import io.github.o365auditcamel.state.PublishedBlobRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Wires the collector's beans from the checked settings; the YAML routes refer to them by these names.
 * Named in {@code application.properties} ({@code camel.main.configuration-classes}), so the application and the
 * tests get the same wiring.
 */
public class CollectorConfiguration implements CamelConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CollectorConfiguration.class);

    /** The settings read past Camel's property parser, which logs values at DEBUG. */
    private static final java.util.Set<String> SENSITIVE_PROPERTIES = java.util.Set.of("o365.client-secret",
            "o365.proxy-password");

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        CollectorSettings settings = settingsFrom(properties);
        // values derived for the routes: timer periods in milliseconds
        properties.addOverrideProperty("o365.poll-interval-millis",
                String.valueOf(settings.pollInterval().toMillis()));
        properties.addOverrideProperty("o365.deadletter.max-poll-interval-millis",
                String.valueOf(DeadLetterRetries.maxPollIntervalMillis(settings)));
        // ... and the names the routes share with the Java side: the listing's leadership, the fetchers' group
        properties.addOverrideProperty("o365.listing-leadership", settings.listingLeadership());
        properties.addOverrideProperty("o365.fetcher-group", settings.fetcherGroup());
        properties.addOverrideProperty("o365.content-refs-topic", settings.contentRefsTopic());
        properties.addOverrideProperty("o365.fetch-concurrency", String.valueOf(settings.fetchConcurrency()));

        // the metrics registry Camel serves at /observe/metrics: camel-micrometer-prometheus's, when it is already
        // there, or one it will find by this name
        Registry registry = context.getRegistry();
        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        CollectorMetrics metrics = new CollectorMetrics(meters, settings.contentTypes(), Clock.systemUTC());

        // started in this order, before the routes: the topics; the transactional producers, which abort what a
        // previous run of this instance left open; then the state, read from its topic
        context.addService(new KafkaTopics(settings), true, true);
        KafkaStateStore stateStore = new KafkaStateStore(settings);
        BlobRecordStreamer streamer = new BlobRecordStreamer();
        BlobPublisher publisher = new BlobPublisher(settings, stateStore, streamer, metrics);
        context.addService(publisher, true, true);
        context.addService(stateStore, true, true);
        // one instance at a time lists (the master: endpoints of the listing routes); every instance fetches
        new ListingLeadership(settings).addTo(context);

        useProxy(context, settings);
        TokenProvider tokenProvider = new TokenProvider(settings, metrics);
        SubscriptionTable subscriptionTable = new SubscriptionTable(settings);
        ContentTypeHealthCheck contentTypeHealth = new ContentTypeHealthCheck();

        registry.bind("metrics", metrics);
        registry.bind("settings", settings);
        registry.bind("stateStore", stateStore);
        registry.bind("publishedBlobs", new PublishedBlobRepository(stateStore));
        registry.bind("tokenProvider", tokenProvider);
        registry.bind("managementApi", new ManagementApi(settings));
        registry.bind("apiResponses", new ApiResponseClassifier(metrics));
        registry.bind("apiRateLimiter", new ApiRateLimiter(settings));
        registry.bind("listingWindows", new ListingWindows(settings, stateStore));
        registry.bind("blobPublisher", publisher);
        registry.bind("blobFailures", new BlobFailures());
        registry.bind("deadLetterRetries", new DeadLetterRetries(settings, stateStore));
        registry.bind("subscriptionTable", subscriptionTable);
        registry.bind("pollReport", new PollReport(stateStore));
        registry.bind("failureReason", new FailureReason());
        registry.bind("contentTypeHealth", contentTypeHealth);
        registry.bind("contentTypeRoutes", new ContentTypeRoutes(settings.contentTypes()));

        // readiness: Kafka, token and subscriptions; and no content type stopped by a fatal answer
        HealthCheckRegistry healthChecks = HealthCheckRegistry.get(context);
        if (healthChecks != null) {
            healthChecks.register(new CollectorReadinessCheck(settings, tokenProvider, subscriptionTable,
                    Clock.systemUTC()));
            healthChecks.register(contentTypeHealth);
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
                // the JDK refuses Basic credentials for HTTPS tunnels through a proxy unless told otherwise
                if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
                    System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
                }
            }
        }
        LOG.info("Token and API calls go through the proxy {}{}", proxy,
                settings.proxyUsername() == null ? "" : " as " + settings.proxyUsername());
    }

    /** Reads and checks every setting from Camel's properties (files, environment, system properties). */
    public static CollectorSettings settingsFrom(PropertiesComponent properties) {
        return CollectorSettings.from(key -> SENSITIVE_PROPERTIES.contains(key)
                ? quietLookup(properties, key) : properties.resolveProperty(key).orElse(null));
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
