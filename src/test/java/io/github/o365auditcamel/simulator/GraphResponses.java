package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static io.github.o365auditcamel.simulator.RequestSyntax.GUID;

/**
 * How the simulated Microsoft Graph frames its answers: OData JSON with Graph's headers ({@code request-id},
 * {@code client-request-id} echoed when the client sent a GUID, {@code x-ms-ags-diagnostic}), and its error answers
 * {@code {"error":{"code":...,"message":...,"innerError":{"date":...,"request-id":...,"client-request-id":...}}}}.
 */
final class GraphResponses {

    /** The Content-Type of Graph's JSON answers. */
    static final String ODATA_JSON =
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GraphResponses() {
    }

    /** A Graph error answer with Graph's {@code innerError} (date from the simulator's clock {@code now}). */
    static void graphError(HttpExchange ex, int status, String code, String message, Instant now) throws IOException {
        ObjectNode out = MAPPER.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode inner = error.putObject("innerError");
        inner.put("date", now.truncatedTo(ChronoUnit.SECONDS).toString());
        inner.put("request-id", requestId(ex));
        inner.put("client-request-id", clientRequestId(ex));
        sendGraph(ex, status, MAPPER.writeValueAsBytes(out));
    }

    /** Sends a Graph JSON answer with Graph's headers. */
    static void sendGraph(HttpExchange ex, int status, byte[] body) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", ODATA_JSON);
        h.set("Cache-Control", "no-cache");
        h.set("OData-Version", "4.0");
        h.set("Strict-Transport-Security", "max-age=31536000");
        h.set("request-id", requestId(ex));
        h.set("client-request-id", clientRequestId(ex));
        h.set("x-ms-ags-diagnostic",
                "{\"ServerInfo\":{\"DataCenter\":\"Simulated\",\"Slice\":\"E\",\"Ring\":\"5\",\"ScaleUnit\":\"000\"}}");
        ApiResponses.send(ex, status, body);
    }

    /** The request's id, new for each request (kept in the answer's headers once made). */
    private static String requestId(HttpExchange ex) {
        String made = ex.getResponseHeaders().getFirst("request-id");
        if (made == null) {
            made = UUID.randomUUID().toString();
            ex.getResponseHeaders().set("request-id", made);
        }
        return made;
    }

    /** The client's {@code client-request-id} when it is a GUID (Graph echoes it), else the request's id. */
    private static String clientRequestId(HttpExchange ex) {
        String client = ex.getRequestHeaders().getFirst("client-request-id");
        return client != null && GUID.matcher(client.trim()).matches() ? client.trim() : requestId(ex);
    }
}
