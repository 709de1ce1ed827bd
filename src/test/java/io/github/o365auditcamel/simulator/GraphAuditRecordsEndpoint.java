package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.github.o365auditcamel.simulator.GraphResponses.graphError;
import static io.github.o365auditcamel.simulator.GraphResponses.sendGraph;
import static io.github.o365auditcamel.simulator.RequestSyntax.isBlank;

/**
 * {@code GET /v1.0/security/auditLog/queries/{id}/records}: the records of a tenant's succeeded audit log query
 * ({@link GraphAuditRecord}s, by CreationTime then Id), a page at a time:
 * {@code {"@odata.context":...,"value":[...],"@odata.nextLink":...}}, the nextLink an absolute URL on the base the
 * request arrived on, with an opaque {@code $skiptoken} (and the request's {@code $top}); the last page has no
 * nextLink. A page holds {@link SimulatorBuilder#graphPageSize} records, or fewer when {@code $top} asks for fewer.
 * Before the query succeeded, or when it failed: 400 BadRequest; another tenant's query or an unknown id: 404
 * NotFound; a {@code $skiptoken} of another query, or one this simulator did not write: 400 BadRequest.
 */
final class GraphAuditRecordsEndpoint {

    private final SimulatorSettings settings;
    private final SimulatorServer server;
    private final ObjectMapper mapper;

    GraphAuditRecordsEndpoint(SimulatorSettings settings, SimulatorServer server, ObjectMapper mapper) {
        this.settings = settings;
        this.server = server;
        this.mapper = mapper;
    }

    /** One page of the records of t's query {@code id}. */
    void page(HttpExchange ex, SimulatedTenant t, String id, Map<String, String> q) throws IOException {
        GraphAuditQuery query = t.graph.query(id);
        if (query == null) {
            graphError(ex, 404, "NotFound", "The audit log query '" + id + "' was not found.", settings.now());
            return;
        }
        List<GraphAuditRecord> records = query.records();
        if (records == null) {
            badRequest(ex, "The records of audit log query '" + query.id + "' cannot be read: its status is '"
                    + query.status().graphName + "', not 'succeeded'.");
            return;
        }
        String topText = q.get("$top");
        Integer top = isBlank(topText) ? null : positive(topText.trim());
        if (!isBlank(topText) && top == null) {
            badRequest(ex, "Invalid value '" + topText + "' for $top: a whole number of at least 1 is expected.");
            return;
        }
        String skipToken = q.get("$skiptoken");
        int from = isBlank(skipToken) ? 0 : offset(skipToken.trim(), query.id);
        if (from < 0 || from > records.size()) {
            badRequest(ex, "The $skiptoken '" + skipToken + "' is not valid for audit log query '" + query.id + "'.");
            return;
        }
        int size = top == null ? settings.graphPageSize() : Math.min(top, settings.graphPageSize());
        int to = (int) Math.min((long) from + size, records.size());
        String recordsUrl = server.baseUrlOf(ex) + GraphAuditQueryEndpoint.QUERIES_PATH + "/" + query.id + "/records";
        String nextLink = to >= records.size() ? null
                : recordsUrl + "?" + (top == null ? "" : "$top=" + top + "&") + "$skiptoken=" + skipToken(query.id, to);
        ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = mapper.getFactory().createGenerator(body)) {
            g.writeStartObject();
            g.writeStringField("@odata.context", server.baseUrlOf(ex) + "/" + GraphRouter.VERSION
                    + "/$metadata#security/auditLog/queries('" + query.id + "')/records");
            g.writeArrayFieldStart("value");
            for (GraphAuditRecord r : records.subList(from, to)) {
                g.writeRawValue(r.json());
            }
            g.writeEndArray();
            if (nextLink != null) {
                g.writeStringField("@odata.nextLink", nextLink);
            }
            g.writeEndObject();
        }
        t.graph.recordPages.incrementAndGet();
        sendGraph(ex, 200, body.toByteArray());
    }

    /** The opaque $skiptoken of the page that starts at {@code offset} of that query's records. */
    private static String skipToken(String queryId, int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("auditLogRecords:" + queryId + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a $skiptoken of that query names; -1 for any other token. */
    private static int offset(String token, String queryId) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String prefix = "auditLogRecords:" + queryId + ":";
            return text.startsWith(prefix) ? Integer.parseInt(text.substring(prefix.length())) : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static Integer positive(String text) {
        try {
            int n = Integer.parseInt(text);
            return n >= 1 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void badRequest(HttpExchange ex, String message) throws IOException {
        graphError(ex, 400, "BadRequest", message, settings.now());
    }
}
