package io.github.o365auditcamel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Map;

import io.github.o365auditcamel.auth.TokenRequestException;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.fetch.BlobFailures;
import io.github.o365auditcamel.fetch.DeadLetterReason;
import io.github.o365auditcamel.listing.ListingWindow;
import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class ManagementApiTest {

    private static final String TENANT = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private final ManagementApi api = new ManagementApi(CollectorSettings.from(Map.of(
            "o365.tenant-id", TENANT,
            "o365.client-id", "11112222-3333-4444-5555-666677778888",
            "o365.client-secret", "secret",
            "o365.publisher-id", "aaaabbbb-cccc-dddd-eeee-ffff00001111")::get));

    @Test
    void listingUrlsCarryTheWindowInUtcSecondsAndThePublisher() {
        ListingWindow window = new ListingWindow(Instant.parse("2026-11-24T10:00:00Z"),
                Instant.parse("2026-11-25T10:00:00Z"));

        assertEquals("https://manage.office.com/api/v1.0/" + TENANT + "/activity/feed/subscriptions/content"
                + "?contentType=Audit.Exchange&startTime=2026-11-24T10:00:00&endTime=2026-11-25T10:00:00"
                + "&PublisherIdentifier=aaaabbbb-cccc-dddd-eeee-ffff00001111",
                api.contentListUri("Audit.Exchange", window));
    }

    @Test
    void servedUrisOnTheApiHostAreFollowedWithThePublisherAndDollarSignsKept() {
        String blob = "https://manage.office.com/api/v1.0/" + TENANT
                + "/activity/feed/audit/20261125$20261125$audit_exchange$Audit_Exchange$emea0036";

        assertEquals(blob + "?PublisherIdentifier=aaaabbbb-cccc-dddd-eeee-ffff00001111", api.followUri(blob));
        String page = "https://manage.office.com/api/v1.0/x/activity/feed/subscriptions/content?nextPage=abc"
                + "&publisheridentifier=aaaabbbb-cccc-dddd-eeee-ffff00001111";
        assertEquals(page, api.followUri(page));
    }

    @Test
    void theTokenNeverGoesToAnotherHostSchemeOrPort() {
        for (String foreign : new String[] {
                "https://evil.example/api/v1.0/x/activity/feed/audit/1",
                "http://manage.office.com/api/v1.0/x/activity/feed/audit/1",
                "https://manage.office.com:8443/api/v1.0/x/activity/feed/audit/1",
                "https://manage.office.com.evil.example/audit/1"}) {
            ForeignUriException e = assertThrows(ForeignUriException.class, () -> api.followUri(foreign));
            assertFalse(e.getMessage().contains("Bearer"));
        }
        api.requireOnApiHost("https://MANAGE.office.com:443/api/v1.0/x");
    }

    @Test
    void theClassificationTableDecidesByAfCodeThenByStatus() {
        assertEquals(ApiOutcome.SUCCESS, ApiResponseClassifier.classify(400, "AF20024"));
        assertEquals(ApiOutcome.START_SUBSCRIPTION, ApiResponseClassifier.classify(400, "AF20022"));
        assertEquals(ApiOutcome.RECOMPUTE_WINDOW, ApiResponseClassifier.classify(400, "AF20055"));
        assertEquals(ApiOutcome.SKIP, ApiResponseClassifier.classify(404, "AF20051"));
        assertEquals(ApiOutcome.RETRY, ApiResponseClassifier.classify(403, "AF429"));
        assertEquals(ApiOutcome.RETRY, ApiResponseClassifier.classify(503, null));
        assertEquals(ApiOutcome.RETRY, ApiResponseClassifier.classify(408, null));
        assertEquals(ApiOutcome.FATAL, ApiResponseClassifier.classify(401, "AF10001"));
        assertEquals(ApiOutcome.FATAL, ApiResponseClassifier.classify(400, "AF20013"));
        assertEquals(ApiOutcome.RETRY, ApiResponseClassifier.classify(502, "SomethingNew"));
        assertEquals(ApiOutcome.DEAD_LETTER, ApiResponseClassifier.classify(400, "AF20052"));
    }

    @Test
    void aClassifiedFailureIsFoundWhereverCamelWrappedIt() {
        ApiResponseClassifier classifier = new ApiResponseClassifier();
        ManagementApiException fatal = new ManagementApiException(401, "AF10001", "no permission", ApiOutcome.FATAL);
        Exception wrapped = new RuntimeException("Multicast processing failed", new RuntimeException("split", fatal));
        assertTrue(classifier.failedWith(wrapped, "FATAL"));
        assertFalse(classifier.failedWith(wrapped, "SKIP"));
        assertFalse(classifier.failedWith(new IOException("reset"), "FATAL"));
        assertFalse(classifier.failedWith(null, "FATAL"));
    }

    @Test
    void onlyTheBlobsOwnTransientFailuresCountAsTransient() {
        BlobFailures failures = new BlobFailures();
        assertTrue(failures.isTransient(new ManagementApiException(503, "AF50000", "busy", ApiOutcome.RETRY)));
        assertTrue(failures.isTransient(new UncheckedIOException(new SocketTimeoutException("slow"))));
        assertTrue(failures.isTransient(new RuntimeException(new SocketException("Connection reset"))));
        // a refusal may heal (a permission granted meanwhile): the blob is fetched again later; a redirect never does
        assertTrue(failures.isTransient(new ManagementApiException(401, "AF10001", "no", ApiOutcome.FATAL)));
        ManagementApiException redirect = new ManagementApiException(302, null, "moved", ApiOutcome.FATAL);
        assertFalse(failures.isTransient(redirect));
        assertTrue(failures.isPermanent(redirect));
        assertEquals(DeadLetterReason.REDIRECT, BlobFailures.reasonOf(redirect));
        // Kafka refusing the blob's own bytes is the blob's, not Kafka being away
        RecordTooLargeException tooLarge = new RecordTooLargeException("1.5 MB");
        assertFalse(failures.isOurs(new RuntimeException(tooLarge)));
        assertTrue(failures.isPermanent(tooLarge));
        assertEquals(DeadLetterReason.RECORD_TOO_LARGE, BlobFailures.reasonOf(tooLarge));
        // anything nobody foresaw ends the blob too, rather than holding up the blobs behind it
        assertTrue(failures.isPermanent(new NullPointerException()));
        assertTrue(failures.isPermanent(new StackOverflowError()));
        assertEquals(DeadLetterReason.UNEXPECTED, BlobFailures.reasonOf(new NullPointerException()));
        // our own side down is never the blob's fault
        assertFalse(failures.isTransient(new KafkaException("broker gone",
                new IOException("refused"))));
        assertFalse(failures.isTransient(new TokenRequestException("login host down",
                new IOException("refused"))));
        assertTrue(failures.isOurs(new KafkaException("broker gone")));
        assertFalse(failures.isPermanent(new KafkaException("broker gone")));
    }

    @Test
    void threeBlobsInARowFailingTransientlyAreAnOutage() {
        BlobFailures failures = new BlobFailures();
        Exchange exchange = new DefaultExchange(
                new DefaultCamelContext());
        assertFalse(failures.looksDown("default", "Audit.Exchange", exchange));
        assertFalse(failures.looksDown("default", "Audit.Exchange", exchange));
        failures.succeeded("default", "Audit.Exchange");
        assertFalse(failures.looksDown("default", "Audit.Exchange", exchange));
        assertFalse(failures.looksDown("default", "Audit.Exchange", exchange));
        assertFalse(failures.looksDown("default", "Audit.General", exchange));
        assertTrue(failures.looksDown("default", "Audit.Exchange", exchange));
        assertFalse(failures.looksDown("other", "Audit.Exchange", exchange), "another tenant's service is not down");
    }

    @Test
    void aBlobFetchedAgainFromItsRetryIsNotCountedTwiceButIsDeferredInAnOutage() {
        BlobFailures failures = new BlobFailures();
        Exchange poll = new DefaultExchange(new DefaultCamelContext());
        Exchange retry = new DefaultExchange(new DefaultCamelContext());
        retry.setVariable(ExchangeVariables.DEAD_LETTER_COUNT, 1);
        // two blobs fail; a third blob's retry failing too is its own problem, however often
        assertFalse(failures.looksDown("default", "Audit.SharePoint", poll));
        assertFalse(failures.looksDown("default", "Audit.SharePoint", poll));
        assertFalse(failures.looksDown("default", "Audit.SharePoint", retry));
        assertFalse(failures.looksDown("default", "Audit.SharePoint", retry));
        // a third blob is an outage; a retry failing now is deferred too rather than use up a retry
        assertTrue(failures.looksDown("default", "Audit.SharePoint", poll));
        assertTrue(failures.looksDown("default", "Audit.SharePoint", retry));
        failures.succeeded("default", "Audit.SharePoint");
        assertFalse(failures.looksDown("default", "Audit.SharePoint", retry));
    }

    @Test
    void retryAfterIsReadInSecondsOrAsADateAndCapped() {
        assertEquals(7000L, ApiResponseClassifier.retryAfterMillis("7"));
        assertEquals(300_000L, ApiResponseClassifier.retryAfterMillis("3600"));
        assertEquals(null, ApiResponseClassifier.retryAfterMillis("soon"));
        assertEquals(null, ApiResponseClassifier.retryAfterMillis(null));
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        long millis = ApiResponseClassifier.retryAfterMillis(inTenSeconds);
        org.junit.jupiter.api.Assertions.assertTrue(millis > 8000 && millis <= 10000, "millis " + millis);
    }

    @Test
    void theRateLimiterMakesRequestsBeyondTheMinutesShareWait() {
        ApiRateLimiter limiter = new ApiRateLimiter(60);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            limiter.acquire();
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // one request a second: the third waits for the second refresh at the earliest
        org.junit.jupiter.api.Assertions.assertTrue(elapsedMillis >= 900, "waited only " + elapsedMillis + " ms");
        org.junit.jupiter.api.Assertions.assertTrue(limiter.waits() >= 1);
    }
}
