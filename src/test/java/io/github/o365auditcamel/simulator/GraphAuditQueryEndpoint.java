package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.github.o365auditcamel.simulator.GraphResponses.graphError;
import static io.github.o365auditcamel.simulator.GraphResponses.sendGraph;

/**
 * Graph's audit log queries of a tenant: {@code POST /v1.0/security/auditLog/queries} creates one (201 with the
 * auditLogQuery, status {@code notStarted}), {@code GET .../queries} lists the tenant's queries, and
 * {@code GET .../queries/{id}} is a status poll, which moves the query on (see {@link GraphAuditQuery}); another
 * tenant's query, like an unknown id, is 404 NotFound.
 *
 * <p>The body of a new query: {@code filterStartDateTime} and {@code filterEndDateTime} (required, DateTimeOffsets
 * such as {@code 2026-11-10T00:00:00Z}, start before end), and optionally {@code @odata.type}
 * ({@code #microsoft.graph.security.auditLogQuery}), {@code displayName}, {@code recordTypeFilters} (names of Graph's
 * auditLogRecordType: {@link GraphAuditRecord#RECORD_TYPE_NAMES}, case-sensitive as enum members are),
 * {@code serviceFilters} (Workloads; the singular {@code serviceFilter}, a string, is accepted too) and
 * {@code recordCountLimit} (at least 1). Anything else is 400 BadRequest: a property the type lacks, as Graph answers,
 * and the filters this simulator does not implement ({@code keywordFilter}, {@code operationFilters}, ...) when they
 * are not empty, so that a client never believes they filtered. The read-only properties ({@code id},
 * {@code status}, ...) are ignored.
 */
final class GraphAuditQueryEndpoint {

    static final String QUERY_TYPE = "#microsoft.graph.security.auditLogQuery";
    static final String QUERIES_PATH = "/" + GraphRouter.VERSION + "/security/auditLog/queries";

    private static final Set<String> READ_ONLY =
            Set.of("id", "status", "isRecordCountLimitExceeded", "approximateReturnedRecordCount");
    private static final Set<String> NOT_SIMULATED = Set.of("keywordFilter", "operationFilters",
            "userPrincipalNameFilters", "ipAddressFilters", "objectIdFilters", "administrativeUnitIdFilters");
    private static final Set<String> SIMULATED = Set.of("@odata.type", "displayName", "filterStartDateTime",
            "filterEndDateTime", "recordTypeFilters", "serviceFilter", "serviceFilters", "recordCountLimit");

    private final SimulatorSettings settings;
    private final SimulatorServer server;
    private final ObjectMapper mapper;

    GraphAuditQueryEndpoint(SimulatorSettings settings, SimulatorServer server, ObjectMapper mapper) {
        this.settings = settings;
        this.server = server;
        this.mapper = mapper;
    }

    /** {@code POST .../queries}: a new query of t, or 400 BadRequest for a body it cannot run. */
    void create(HttpExchange ex, SimulatedTenant t, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = body.length == 0 ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            badRequest(ex, "The request body is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (request == null || !request.isObject()) {
            badRequest(ex, "Empty Payload. JSON content expected: an auditLogQuery object.");
            return;
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (NOT_SIMULATED.contains(name) && !isEmpty(request.get(name))) {
                badRequest(ex, "The simulator does not implement the filter '" + name + "'.");
                return;
            }
            if (!SIMULATED.contains(name) && !READ_ONLY.contains(name) && !NOT_SIMULATED.contains(name)) {
                badRequest(ex, "The property '" + name + "' does not exist on type "
                        + "'microsoft.graph.security.auditLogQuery'. Make sure to only use property names that are "
                        + "defined by the type or mark the type as open type.");
                return;
            }
        }
        JsonNode type = request.get("@odata.type");
        if (type != null && !type.asText().equals(QUERY_TYPE) && !("#" + type.asText()).equals(QUERY_TYPE)) {
            badRequest(ex, "A type named '" + type.asText() + "' could not be resolved by the model; this resource "
                    + "takes a '" + QUERY_TYPE + "'.");
            return;
        }
        Instant start = dateTime(request, "filterStartDateTime");
        Instant end = dateTime(request, "filterEndDateTime");
        if (start == null || end == null) {
            badRequest(ex, "filterStartDateTime and filterEndDateTime are required DateTimeOffset values, such as "
                    + "2026-11-10T00:00:00Z.");
            return;
        }
        if (!start.isBefore(end)) {
            badRequest(ex, "filterStartDateTime (" + start + ") must be before filterEndDateTime (" + end + ").");
            return;
        }
        List<String> types = strings(request.get("recordTypeFilters"));
        List<String> services = strings(request.get("serviceFilters"));
        JsonNode oneService = request.get("serviceFilter");
        JsonNode limit = request.get("recordCountLimit");
        JsonNode name = request.get("displayName");
        if (types == null || services == null || oneService != null && !oneService.isNull() && !oneService.isTextual()) {
            badRequest(ex, "recordTypeFilters and serviceFilters must be arrays of strings, serviceFilter a string.");
            return;
        }
        for (String recordType : types) {
            if (!GraphAuditRecord.RECORD_TYPE_NAMES.contains(recordType)) {
                badRequest(ex, "Requested value '" + recordType + "' was not found (recordTypeFilters takes "
                        + "auditLogRecordType members, such as exchangeItem).");
                return;
            }
        }
        if (oneService != null && oneService.isTextual()) {
            services = new ArrayList<>(services);
            services.add(oneService.asText());
        }
        boolean noLimit = limit == null || limit.isNull();
        if (!noLimit && (!limit.isIntegralNumber() || !limit.canConvertToLong() || limit.asLong() < 1)) {
            badRequest(ex, "recordCountLimit must be a whole number of at least 1: " + limit);
            return;
        }
        if (name != null && !name.isNull() && !name.isTextual()) {
            badRequest(ex, "displayName must be a string.");
            return;
        }
        GraphAuditQuery query = new GraphAuditQuery(UUID.randomUUID().toString(),
                name == null || name.isNull() ? null : name.asText(), start, end, types, services,
                noLimit ? null : limit.asLong(), settings.graphRecordCountLimit(), t.graph.takeFailure());
        t.graph.add(query);
        ex.getResponseHeaders().set("Location", server.baseUrlOf(ex) + QUERIES_PATH + "/" + query.id);
        sendGraph(ex, 201, mapper.writeValueAsBytes(entity(ex, query)));
    }

    /** {@code GET .../queries}: every query of t, oldest first, on one page. */
    void list(HttpExchange ex, SimulatedTenant t) throws IOException {
        ObjectNode out = mapper.createObjectNode();
        out.put("@odata.context", metadata(ex) + "security/auditLog/queries");
        ArrayNode value = out.putArray("value");
        t.graph.queries().forEach(q -> value.add(q.toJson(mapper)));
        sendGraph(ex, 200, mapper.writeValueAsBytes(out));
    }

    /** {@code GET .../queries/{id}}: a status poll of t's query, or 404 NotFound. */
    void get(HttpExchange ex, SimulatedTenant t, String id) throws IOException {
        GraphAuditQuery query = t.graph.query(id);
        if (query == null) {
            graphError(ex, 404, "NotFound", "The audit log query '" + id + "' was not found.", settings.now());
            return;
        }
        query.poll(settings.graphQueryPollsUntilDone(), () -> t.graph.search(query, settings.now()));
        t.graph.statusPolls.incrementAndGet();
        sendGraph(ex, 200, mapper.writeValueAsBytes(entity(ex, query)));
    }

    private ObjectNode entity(HttpExchange ex, GraphAuditQuery query) {
        ObjectNode out = mapper.createObjectNode();
        out.put("@odata.context", metadata(ex) + "security/auditLog/queries/$entity");
        out.setAll(query.toJson(mapper));
        return out;
    }

    /** {@code <base>/v1.0/$metadata#}: the start of every {@code @odata.context}. */
    String metadata(HttpExchange ex) {
        return server.baseUrlOf(ex) + "/" + GraphRouter.VERSION + "/$metadata#";
    }

    /** A DateTimeOffset field (with its offset, as OData requires) as an instant; null when missing or malformed. */
    private static Instant dateTime(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || !v.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v.asText().trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The strings of an array field (missing or null: none); null when it is something else. */
    private static List<String> strings(JsonNode array) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return null;
            }
            out.add(item.asText());
        }
        return out;
    }

    private static boolean isEmpty(JsonNode v) {
        return v == null || v.isNull() || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty());
    }

    private void badRequest(HttpExchange ex, String message) throws IOException {
        graphError(ex, 400, "BadRequest", message, settings.now());
    }
}
