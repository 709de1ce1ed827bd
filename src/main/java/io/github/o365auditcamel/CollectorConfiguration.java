package io.github.o365auditcamel;

import io.github.o365auditcamel.api.ApiRateLimiter;
import io.github.o365auditcamel.api.ApiResponseClassifier;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.progress.FailureReason;
import io.github.o365auditcamel.progress.PollReport;
import io.github.o365auditcamel.publish.BlobPublisher;
import io.github.o365auditcamel.progress.SubscriptionTable;
import io.github.o365auditcamel.routes.ContentTypeRoutes;
import io.github.o365auditcamel.state.KafkaStateStore;
import io.github.o365auditcamel.state.KafkaTopics;
import io.github.o365auditcamel.state.PublishedBlobRepository;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Wires the collector's beans from the checked settings; the YAML routes refer to them by these names.
 * Named in {@code application.properties} ({@code camel.main.configuration-classes}), so the application and the
 * tests get the same wiring.
 */
public class CollectorConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        CollectorSettings settings = CollectorSettings.from(key -> properties.resolveProperty(key).orElse(null));
        // values derived for the routes: timer periods in milliseconds
        properties.addOverrideProperty("o365.poll-interval-millis",
                String.valueOf(settings.pollInterval().toMillis()));

        // started in this order, before the routes: the topics; the transactional producers, which abort what a
        // previous run of this instance left open; then the state, read from its topic
        context.addService(new KafkaTopics(settings), true, true);
        KafkaStateStore stateStore = new KafkaStateStore(settings);
        BlobRecordStreamer streamer = new BlobRecordStreamer();
        BlobPublisher publisher = new BlobPublisher(settings, stateStore, streamer);
        context.addService(publisher, true, true);
        context.addService(stateStore, true, true);

        Registry registry = context.getRegistry();
        registry.bind("settings", settings);
        registry.bind("stateStore", stateStore);
        registry.bind("publishedBlobs", new PublishedBlobRepository(stateStore));
        registry.bind("tokenProvider", new TokenProvider(settings));
        registry.bind("managementApi", new ManagementApi(settings));
        registry.bind("apiResponses", new ApiResponseClassifier());
        registry.bind("apiRateLimiter", new ApiRateLimiter(settings));
        registry.bind("listingWindows", new ListingWindows(settings, stateStore));
        registry.bind("blobPublisher", publisher);
        registry.bind("subscriptionTable", new SubscriptionTable(settings));
        registry.bind("pollReport", new PollReport(stateStore));
        registry.bind("failureReason", new FailureReason());
        registry.bind("contentTypeRoutes", new ContentTypeRoutes(settings.contentTypes()));
    }
}
