package io.github.o365auditcamel.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.github.o365auditcamel.routes.ExchangeVariables;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The one place where Management Activity API responses are classified (reference, section 5). A success passes
 * through untouched; anything else becomes a {@link ManagementApiException} carrying its {@link ApiOutcome}.
 */
public class ApiResponseClassifier {

    /** Every AF code the reference names, and what to do about it. */
    static final Map<String, ApiOutcome> TABLE = Map.ofEntries(
            Map.entry("AF20024", ApiOutcome.SUCCESS),            // subscription already enabled
            Map.entry("AF20022", ApiOutcome.START_SUBSCRIPTION), // no subscription for the content type
            Map.entry("AF20023", ApiOutcome.START_SUBSCRIPTION), // subscription disabled by an admin
            Map.entry("AF20030", ApiOutcome.RECOMPUTE_WINDOW),   // time window rules (older code)
            Map.entry("AF20055", ApiOutcome.RECOMPUTE_WINDOW),   // time window rules (current code)
            Map.entry("AF20050", ApiOutcome.SKIP),               // content does not exist
            Map.entry("AF20051", ApiOutcome.SKIP),               // content expired
            Map.entry("AF429", ApiOutcome.RETRY),                // throttled
            Map.entry("AF50000", ApiOutcome.RETRY),              // internal error
            Map.entry("AF50005", ApiOutcome.RETRY),
            Map.entry("AF50006", ApiOutcome.RETRY),
            Map.entry("AF20031", ApiOutcome.RETRY),              // invalid nextPage: list the window again
            Map.entry("AF10001", ApiOutcome.FATAL),              // token lacks ActivityFeed.Read
            Map.entry("AF20001", ApiOutcome.FATAL),
            Map.entry("AF20002", ApiOutcome.FATAL),
            Map.entry("AF20003", ApiOutcome.FATAL),
            Map.entry("AF20010", ApiOutcome.FATAL),              // tenant in URL does not match the token
            Map.entry("AF20011", ApiOutcome.FATAL),
            Map.entry("AF20012", ApiOutcome.FATAL),
            Map.entry("AF20013", ApiOutcome.FATAL),
            Map.entry("AF20020", ApiOutcome.FATAL),              // invalid content type
            Map.entry("AF20021", ApiOutcome.FATAL),
            Map.entry("AF20052", ApiOutcome.DEAD_LETTER));     // the content id in a contentUri is invalid

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 8192;

    private final Function<String, CollectorMetrics> metrics;

    /** @param metrics each tenant's metrics, by tenant name (the exchange variable {@code tenant}) */
    public ApiResponseClassifier(Function<String, CollectorMetrics> metrics) {
        this.metrics = metrics;
    }

    /** Without metrics: for tests of the table. */
    public ApiResponseClassifier() {
        this(null);
    }

    /** Passes a successful response on; throws a classified exception for anything else. */
    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        exchange.removeVariable(ExchangeVariables.API_CODE);
        message.removeHeader(Exchange.REDELIVERY_DELAY);
        String contentType = exchange.getVariable(ExchangeVariables.CONTENT_TYPE, String.class);
        String tenant = exchange.getVariable(ExchangeVariables.TENANT, String.class);
        if (status >= 200 && status < 300) {
            count(tenant, contentType, ApiOutcome.SUCCESS, null, status);
            return;
        }
        String body = readErrorBody(message.getBody());
        message.setBody(body);
        String code = null;
        String text = body.strip();
        JsonNode error = parseError(body);
        if (error != null) {
            code = error.path("code").asText(null);
            text = error.path("message").asText(text);
        } else if (text.startsWith("<")) {
            text = "an HTML page instead of JSON";
        }
        ApiOutcome outcome = classify(status, code);
        count(tenant, contentType, outcome, code, status);
        if (outcome == ApiOutcome.SUCCESS) {
            exchange.setVariable(ExchangeVariables.API_CODE, code);
            return;
        }
        Long retryAfter = retryAfterMillis(message.getHeader("Retry-After", String.class));
        if (outcome == ApiOutcome.RETRY && retryAfter != null) {
            // the service said when: Camel's redelivery waits that long instead of its own back-off
            message.setHeader(Exchange.REDELIVERY_DELAY, retryAfter);
        }
        throw new ManagementApiException(status, code, abbreviate(text), outcome);
    }

    /**
     * Whether a failure is a classified API failure with that outcome, wherever Camel wrapped it (a split wraps its
     * parts' failures): for {@code onWhen} in the routes' {@code doCatch}, as {@code failedWith(${exception}, 'SKIP')}.
     */
    public boolean failedWith(Throwable failure, String outcome) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ManagementApiException api) {
                return api.outcome() == ApiOutcome.valueOf(outcome);
            }
        }
        return false;
    }

    /**
     * Whether a listing's failure stops its content type until someone acts (a missing permission, a tenant that
     * does not match the token): a fatal answer, but not a redirect, which a proxy or a load balancer may answer for
     * a while; that poll fails and the next one tries again.
     */
    public boolean stopsTheListing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ManagementApiException api) {
                return api.outcome() == ApiOutcome.FATAL && !(api.status() >= 300 && api.status() < 400);
            }
        }
        return false;
    }

    private void count(String tenant, String contentType, ApiOutcome outcome, String code, int status) {
        if (metrics != null && tenant != null) {
            metrics.apply(tenant).apiResponse(contentType, outcome, code, status);
        }
    }

    /** The table lookup, with the HTTP status deciding where the body carries no known AF code. */
    public static ApiOutcome classify(int status, String code) {
        if (code != null && TABLE.containsKey(code)) {
            return TABLE.get(code);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return ApiOutcome.RETRY;
        }
        if (status == 404) {
            return ApiOutcome.SKIP;
        }
        return ApiOutcome.FATAL;
    }

    /** {@code Retry-After} in seconds or as an HTTP date, capped at 5 minutes; null when absent or unreadable. */
    static Long retryAfterMillis(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        long millis;
        try {
            millis = Long.parseLong(header.trim()) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                millis = java.time.Duration.between(java.time.Instant.now(), java.time.ZonedDateTime.parse(header.trim(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).toMillis();
            } catch (java.time.format.DateTimeParseException unreadable) {
                return null;
            }
        }
        return Math.max(0, Math.min(millis, 300_000));
    }

    private static JsonNode parseError(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.path("error").isObject() ? node.get("error") : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads what a refused call answered, at most a few KB of it, and replaces the body with that text. */
    public void discardBody(Exchange exchange) {
        exchange.getMessage().setBody(readErrorBody(exchange.getMessage().getBody()));
    }

    private static String readErrorBody(Object body) {
        if (body == null) {
            return "";
        }
        if (body instanceof InputStream in) {
            try (in) {
                byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
                // the rest, if short, so that the connection can serve again; a long one is not read at all (closing
                // the stream discards the connection)
                in.skipNBytes(Math.min(in.available(), MAX_ERROR_BODY));
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(error body unreadable: " + e.getMessage() + ")";
            }
        }
        if (body instanceof byte[] bytes) {
            return new String(bytes, 0, Math.min(bytes.length, MAX_ERROR_BODY), StandardCharsets.UTF_8);
        }
        return body.toString();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }
}
