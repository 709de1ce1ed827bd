package io.github.o365auditcamel.routes;

/**
 * The exchange contract: every exchange variable the routes ({@code routes/*.camel.yaml}) and the beans they call
 * pass to each other, who sets it and who reads it. A route file names them as {@code ${variable.<name>}} and
 * {@code setVariable: name: <name>}; Java uses these constants. {@code ExchangeContractTest} checks that nothing else
 * is used. Headers are only those of the components: the HTTP call's ({@code CamelHttpMethod}, {@code CamelHttpUri},
 * {@code Authorization}, {@code Accept}, set in {@code send-management-api-request}; {@code CamelHttpResponseCode}
 * read there), and camel-kafka's ({@code kafka.KEY} of a content reference, {@code CamelKafkaManualCommit}).
 */
public final class ExchangeVariables {

    // ------------------------------------------------------------------ across the stages

    /**
     * The tenant's name. Set by run-tenant-task (listing) and fetch-content-refs (from the reference's key); read by
     * every route and tenant bean.
     */
    public static final String TENANT = "tenant";
    /**
     * The content type. Set by run-tenant-task, start-tenant-subscriptions and fetch-content-ref; read by the API
     * calls, the publisher and the metrics.
     */
    public static final String CONTENT_TYPE = "contentType";
    /**
     * "tenant content type" for log lines. Set by poll-content-listing; read by the listing's logs and
     * {@code PendingBlobs}.
     */
    public static final String LABEL = "label";

    // ------------------------------------------------------------------ an API call (management-api.camel.yaml)

    /** GET or POST. Set by the caller of call-management-api; read by send-management-api-request. */
    public static final String API_METHOD = "apiMethod";
    /**
     * The call's URI, checked against the API host. Set by the caller of call-management-api; read by
     * send-management-api-request and {@code ManagementApi.nextPageUri}.
     */
    public static final String API_URI = "apiUri";
    /**
     * The AF code of an answer classified as success (AF20024). Set by {@code ApiResponseClassifier}; read by
     * {@code SubscriptionTable}.
     */
    public static final String API_CODE = "o365ApiCode";

    // ------------------------------------------------------------------ listing (list-content.camel.yaml)

    /** The task the listing threads run (subscriptions, or a content type's poll). Set and read by run-tenant-task. */
    public static final String TENANT_TASK = "tenantTask";
    /**
     * The window being listed. Set by poll-content-listing (and {@code TenantListingWindows.recompute}); read by
     * list-content-window and {@code TenantApis.contentListUri}.
     */
    public static final String WINDOW = "window";
    /**
     * The page to list next, null after the last. Set by list-content-window and list-content-page
     * ({@code ManagementApi.nextPageUri}, {@code TenantListingWindows.recompute}); read by list-content-window's loop.
     */
    public static final String PAGE_URI = "pageUri";
    /**
     * The pages listed in this window, so that none is listed twice. Set and read by {@code ManagementApi.nextPageUri}.
     */
    public static final String LISTED_PAGES = "listedPages";
    /** A listing entry as served, while it is put on the content-refs topic. Set and read by enqueue-content-ref. */
    public static final String LISTED_ENTRY = "listedEntry";
    /**
     * Whether this poll started a missing subscription already (once per poll). Set and read by list-content-window.
     */
    public static final String SUBSCRIPTION_RESTARTED = "subscriptionRestarted";
    /** Whether this poll recomputed a refused window already (once per poll). Set and read by list-content-window. */
    public static final String WINDOW_RECOMPUTED = "windowRecomputed";
    /** The "catching up" line after a window, or null. Set and read by list-content-window. */
    public static final String CATCHING_UP = "catchingUp";

    // ------------------------------------------------------------------ fetching (fetch-content.camel.yaml)

    /**
     * The content reference's partition and offset, committed in the blob's transaction. Set by fetch-content-refs;
     * read by {@code ConsumedRef}.
     */
    public static final String CONSUMED_REF = "consumedRef";
    /**
     * The blob's id. Set by fetch-content-ref and retry-dead-letter; read by the fetch routes and
     * {@code BlobPublisher}.
     */
    public static final String CONTENT_ID = "contentId";
    /**
     * The blob's URI as listed. Set by fetch-content-ref and retry-dead-letter; read by fetch-blob and
     * {@code BlobPublisher}.
     */
    public static final String CONTENT_URI = "contentUri";
    /**
     * The blob's contentCreated as listed. Set by fetch-content-ref and retry-dead-letter; read by
     * {@code BlobPublisher} and {@code PublishedBlobRepository}.
     */
    public static final String CONTENT_CREATED = "contentCreated";
    /**
     * What became of the blob (published, dead-lettered, deferred, skipped). Set by fetch-content; read by
     * retry-dead-letter.
     */
    public static final String BLOB_OUTCOME = "blobOutcome";
    /**
     * Whether a throttled GET defers the blob instead of waiting. Set by fetch-blob; read by the route configuration
     * management-api-retries.
     */
    public static final String DEFER_WHEN_THROTTLED = "deferWhenThrottled";
    /**
     * How the reference of a blob that failed ends ({@code BlobFate}). Set by {@code BlobFailures.decide}, in
     * fetch-blob's catch; read by fetch-blob (which route carries it out) and {@code BlobPublisher} (whether the dead
     * letter is retried, why the blob is deferred).
     */
    public static final String BLOB_FATE = "blobFate";
    /**
     * Whether a failed poll stops its content type until someone acts (a fatal answer). Set by poll-content-listing's
     * catch from {@code ApiResponseClassifier.stopsTheListing}; read by the same catch.
     */
    public static final String LISTING_STOPS = "listingStops";
    /**
     * The records published from the blob. Set by {@code BlobPublisher}; read by download-and-publish-blob (its log
     * line and metrics).
     */
    public static final String RECORD_COUNT = "recordCount";
    /**
     * The records of the blob left out as the service's duplicates. Set by {@code BlobPublisher}; read by
     * download-and-publish-blob.
     */
    public static final String DUPLICATE_COUNT = "duplicateCount";

    // ------------------------------------------------------------------ dead-letter retries (dead-letters.camel.yaml)

    /** The retry's key in the state topic. Set and read by retry-dead-letter. */
    public static final String RETRY_KEY = "retryKey";
    /**
     * How many times the blob was dead-lettered before. Set by retry-dead-letter; read by {@code BlobFailures} and
     * {@code BlobPublisher}.
     */
    public static final String DEAD_LETTER_COUNT = "deadLetterCount";
    /** What reads the response of a replay's API call while it is open (route {@code replay-api-read}). */
    public static final String REPLAY_RESPONSE_READER = "replayResponseReader";

    private ExchangeVariables() {
    }
}
