package io.github.o365auditcamel;

import java.time.Clock;

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

    /** The one setting read past Camel's property parser, which logs values at DEBUG. */
    private static final String SENSITIVE_PROPERTY = "o365.client-secret";

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

    /** Reads and checks every setting from Camel's properties (files, environment, system properties). */
    public static CollectorSettings settingsFrom(PropertiesComponent properties) {
        return CollectorSettings.from(key -> key.equals(SENSITIVE_PROPERTY)
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
