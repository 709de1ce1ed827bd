package io.github.o365auditcamel.history;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.api.ForeignUriException;
import io.github.o365auditcamel.auth.NetworkFailure;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.GapRepairSettings;

/**
 * One tenant's calls to Microsoft Graph's audit log query API (v1.0, {@code /security/auditLog/queries}): create a
 * query over a time range and record types, read its status until it has succeeded, then read its records page by
 * page ({@code @odata.nextLink}). Throttling (429, with its {@code Retry-After}) and the service being briefly
 * unavailable (502 to 504, a broken connection) are waited out here, a few times; a refused token is asked for again
 * once. Anything else is a {@link GraphQueryException} of one line. The token goes to the configured Graph host only:
 * a next link elsewhere is refused.
 */
public class GraphAuditQueries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TRIES = 6;
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    /** A query as Graph describes it. */
    public record Query(String id, String status, boolean limitExceeded, long approximateCount) {
        public boolean succeeded() {
            return "succeeded".equals(status);
        }

        /** Ended without records to read: failed, or cancelled. */
        public boolean failed() {
            return "failed".equals(status) || "cancelled".equals(status);
        }
    }

    /** One page of a query's records, and the link to the next (null on the last). */
    public record Page(List<JsonNode> records, String nextLink) {
    }

    private final GapRepairSettings settings;
    private final TokenProvider tokens;
    private final HttpClient http;

    public GraphAuditQueries(GapRepairSettings settings, TokenProvider tokens, HttpClient http) {
        this.settings = settings;
        this.tokens = tokens;
        this.http = http;
    }

    /** Creates a query over {@code [from, to)}; returns its id. An empty {@code recordTypes} asks for every type. */
    public String create(String displayName, Instant from, Instant to, List<String> recordTypes, int limit) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.type", "#microsoft.graph.security.auditLogQuery");
        body.put("displayName", displayName);
        body.put("filterStartDateTime", from.toString());
        body.put("filterEndDateTime", to.toString());
        if (!recordTypes.isEmpty()) {
            body.put("recordTypeFilters", recordTypes);
        }
        body.put("recordCountLimit", limit);
        JsonNode created = call("POST", settings.queriesUrl(), body);
        String id = created.path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw new GraphQueryException("Microsoft Graph created an audit log query without an id", -1);
        }
        return id;
    }

    /** The query's status, and once it has succeeded, whether it matched more records than its limit. */
    public Query get(String id) {
        JsonNode query = call("GET", queryUrl(id), null);
        return new Query(id, query.path("status").asText("unknown"),
                query.path("isRecordCountLimitExceeded").asBoolean(false),
                query.path("approximateReturnedRecordCount").asLong(-1));
    }

    /** The first page of a succeeded query's records. */
    public Page firstPage(String id) {
        return page(queryUrl(id) + "/records");
    }

    /** The page a next link names; the link must be on the configured Graph host. */
    public Page page(String url) {
        if (!url.startsWith(settings.graphUrl() + "/")) {
            throw new ForeignUriException("Microsoft Graph's next link " + hostOf(url) + " is not on "
                    + settings.graphUrl() + ": the token is not sent there");
        }
        JsonNode page = call("GET", url, null);
        List<JsonNode> records = new ArrayList<>();
        page.path("value").forEach(records::add);
        JsonNode next = page.get("@odata.nextLink");
        return new Page(records, next == null || next.isNull() ? null : next.asText());
    }

    private String queryUrl(String id) {
        return settings.queriesUrl() + "/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String url, Object body) {
        boolean tokenRenewed = false;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                        .header("Authorization", tokens.authorizationHeader())
                        .header("Accept", "application/json");
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
                } else {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                }
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GraphQueryException("interrupted while calling Microsoft Graph", e);
            } catch (IOException e) {
                if (attempt >= MAX_TRIES) {
                    throw new GraphQueryException(method + " " + pathOf(url) + " on " + hostOf(url) + " failed: "
                            + NetworkFailure.describe(e), -1);
                }
                pause(Duration.ofSeconds(Math.min(30, 1L << attempt)));
                continue;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return parse(response.body(), method, url);
            }
            if (status == 401 && !tokenRenewed) {
                tokens.invalidate();
                tokenRenewed = true;
                continue;
            }
            boolean transientFailure = status == 429 || status == 502 || status == 503 || status == 504;
            if (transientFailure && attempt < MAX_TRIES) {
                pause(retryAfter(response, attempt));
                continue;
            }
            throw new GraphQueryException("Microsoft Graph answered HTTP " + status + " to " + method + " "
                    + pathOf(url) + ": " + errorOf(response.body()), status);
        }
    }

    private static JsonNode parse(byte[] body, String method, String url) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new GraphQueryException("Microsoft Graph's answer to " + method + " " + pathOf(url)
                        + " is not a JSON object", -1);
            }
            return node;
        } catch (IOException e) {
            throw new GraphQueryException("Microsoft Graph's answer to " + method + " " + pathOf(url)
                    + " is not JSON", e);
        }
    }

    /** {@code Forbidden: Missing application permission AuditLogsQuery.Read.All}, from Graph's error object. */
    static String errorOf(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            String code = error.path("code").asText("");
            String message = error.path("message").asText("");
            String line = (code + (message.isEmpty() ? "" : ": " + message)).strip();
            line = line.replace('\n', ' ').replace('\r', ' ');
            return line.isEmpty() ? "no error description" : line.length() > 300 ? line.substring(0, 300) + "…" : line;
        } catch (IOException | RuntimeException e) {
            return "no error description";
        }
    }

    private static Duration retryAfter(HttpResponse<?> response, int attempt) {
        Duration backOff = Duration.ofSeconds(Math.min(30, 1L << attempt));
        String header = response.headers().firstValue("Retry-After").orElse(null);
        if (header == null) {
            return backOff;
        }
        try {
            Duration asked = Duration.ofSeconds(Long.parseLong(header.trim()));
            return asked.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : asked;
        } catch (NumberFormatException e) {
            return backOff;
        }
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphQueryException("interrupted while waiting to call Microsoft Graph again", e);
        }
    }

    private static String pathOf(String url) {
        URI uri = URI.create(url);
        return uri.getRawPath();
    }

    private static String hostOf(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() == null ? "(no host)" : uri.getHost();
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }
}
