package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.SocketTimeoutException;

import io.github.o365auditcamel.api.ApiOutcome;
import io.github.o365auditcamel.api.ForeignUriException;
import io.github.o365auditcamel.api.ManagementApiException;
import io.github.o365auditcamel.auth.TokenRequestException;
import io.github.o365auditcamel.routes.ExchangeVariables;
import io.github.o365auditcamel.state.StateStoreException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

/**
 * Every failure of a blob gets one fate, decided by {@link BlobFailures#decide} alone, whatever Camel wrapped it in;
 * a failure of the collector's own side gets none and goes back to the fetcher as it was.
 */
class BlobFateTest {

    private final BlobFailures failures = new BlobFailures();

    @Test
    void eachFailureOfTheBlobsOwnHasOneFate() throws Exception {
        assertEquals(BlobFate.DEAD_LETTER, fateOf(new BlobFormatException("not a JSON array")));
        assertEquals(BlobFate.DEAD_LETTER,
                fateOf(new InvalidReferenceException(DeadLetterReason.INVALID_REFERENCE, "no contentUri")));
        assertEquals(BlobFate.DEAD_LETTER, fateOf(new ForeignUriException("https://elsewhere.example")));
        assertEquals(BlobFate.DEAD_LETTER, fateOf(api(400, "AF20052", ApiOutcome.DEAD_LETTER)));
        assertEquals(BlobFate.DEAD_LETTER, fateOf(api(302, null, ApiOutcome.FATAL)), "a redirect never heals");
        assertEquals(BlobFate.DEAD_LETTER, fateOf(new RecordTooLargeException("1.5 MB")));
        assertEquals(BlobFate.DEAD_LETTER, fateOf(new NullPointerException()), "what nobody foresaw ends the blob");
        assertEquals(BlobFate.SKIP, fateOf(api(404, "AF20050", ApiOutcome.SKIP)));
        assertEquals(BlobFate.SKIP, fateOf(api(404, "AF20051", ApiOutcome.SKIP)));
        assertEquals(BlobFate.DEFER_THROTTLED, fateOf(api(429, "AF429", ApiOutcome.RETRY)));
        assertEquals(BlobFate.DEAD_LETTER_AND_RETRY, fateOf(api(503, "AF50000", ApiOutcome.RETRY)));
        assertEquals(BlobFate.DEAD_LETTER_AND_RETRY, fateOf(new SocketTimeoutException("slow")),
                "the second blob in a row failing so is not an outage yet");
        assertEquals(BlobFate.DEFER_OUTAGE, fateOf(api(401, "AF10001", ApiOutcome.FATAL)),
                "the third blob in a row of the tenant's content type failing so: its service looks down");
    }

    @Test
    void whereverCamelWrappedTheFailureTheFateIsTheSame() throws Exception {
        Exception split = new RuntimeException("Multicast processing failed",
                new RuntimeException("split", api(404, "AF20051", ApiOutcome.SKIP)));
        assertEquals(BlobFate.SKIP, fateOf(split));
        assertEquals(BlobFate.DEAD_LETTER, fateOf(new RuntimeException(new BlobFormatException("truncated"))));
        assertEquals(BlobFate.DEFER_THROTTLED, fateOf(new RuntimeException(api(403, "AF429", ApiOutcome.RETRY))));
    }

    @Test
    void aFailureOfTheCollectorsOwnSideEndsNothingAndGoesBackToTheFetcherAsItWas() {
        for (Exception ours : new Exception[] {
                new KafkaException("broker gone", new IOException("refused")),
                new StateStoreException("state topic unreadable", new IOException("refused")),
                new RuntimeException(new TokenRequestException("login host down", new IOException("refused")))}) {
            Exchange exchange = failed(ours);
            Exception thrown = assertThrows(Exception.class, () -> failures.decide(exchange));
            assertSame(ours, thrown);
            assertEquals(null, exchange.getVariable(ExchangeVariables.BLOB_FATE));
        }
    }

    private BlobFate fateOf(Throwable failure) throws Exception {
        Exchange exchange = failed(failure);
        failures.decide(exchange);
        return exchange.getVariable(ExchangeVariables.BLOB_FATE, BlobFate.class);
    }

    private static Exchange failed(Throwable failure) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(ExchangeVariables.TENANT, "default");
        exchange.setVariable(ExchangeVariables.CONTENT_TYPE, "Audit.Exchange");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        return exchange;
    }

    private static ManagementApiException api(int status, String code, ApiOutcome outcome) {
        return new ManagementApiException(status, code, "answer " + status, outcome);
    }
}
