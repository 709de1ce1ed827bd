package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * How the simulated API frames its answers: headers, body, gzip when the client accepts it, chunked output, and its
 * JSON error answers.
 */
final class ApiResponses {

    static final String JSON_UTF8 = "application/json; charset=utf-8";
    static final String HTML = "text/html";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiResponses() {
    }

    /** An API error answer: {@code {"error":{"code":...,"message":...}}}. */
    static void apiError(HttpExchange ex, int status, String code, String message) throws IOException {
        ObjectNode out = MAPPER.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("code", code);
        error.put("message", message);
        sendApi(ex, status, MAPPER.writeValueAsBytes(out), false);
    }

    /** 404 NotFound, for a path that is no endpoint of the simulator. */
    static void notFound(HttpExchange ex) throws IOException {
        ObjectNode out = MAPPER.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("code", "NotFound");
        error.put("message", "No HTTP resource was found that matches the request URI '" + ex.getRequestURI() + "'.");
        sendApi(ex, 404, MAPPER.writeValueAsBytes(out), false);
    }

    static void sendApi(HttpExchange ex, int status, byte[] body, boolean gzipped) throws IOException {
        sendApi(ex, status, body, gzipped, JSON_UTF8);
    }

    static void sendApi(HttpExchange ex, int status, byte[] body, boolean gzipped, String mediaType) throws IOException {
        apiHeaders(ex, gzipped, mediaType);
        send(ex, status, body);
    }

    /** Sends 200 with chunked encoding; the returned stream, when gzip, deflates with SYNC_FLUSH on flush(). */
    static OutputStream startChunked(HttpExchange ex, boolean gzip, String mediaType) throws IOException {
        apiHeaders(ex, gzip, mediaType);
        ex.sendResponseHeaders(200, 0);
        OutputStream raw = ex.getResponseBody();
        return gzip ? new GZIPOutputStream(raw, 8192, true) : raw;
    }

    /** The headers of every API answer, as Microsoft's front end sends them. */
    static void apiHeaders(HttpExchange ex, boolean gzipped, String mediaType) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", mediaType);
        h.set("Cache-Control", "no-cache");
        h.set("Pragma", "no-cache");
        h.set("Expires", "-1");
        h.set("Server", "Microsoft-IIS/10.0");
        h.set("Vary", "Accept-Encoding");
        if (gzipped) {
            h.set("Content-Encoding", "gzip");
        }
    }

    /** Sends status and body (none for HEAD or an empty body), with Content-Length. */
    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    /** Whether an Accept-Encoding asks for gzip (or anything) with a weight above 0. */
    static boolean acceptsGzip(Headers headers) {
        List<String> values = headers.get("Accept-Encoding");
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String part : value.split(",")) {
                String[] pieces = part.trim().split(";");
                String name = pieces[0].trim();
                if (!name.equalsIgnoreCase("gzip") && !name.equalsIgnoreCase("x-gzip") && !name.equals("*")) {
                    continue;
                }
                boolean zero = false;
                for (int i = 1; i < pieces.length; i++) {
                    String p = pieces[i].trim().toLowerCase(Locale.ROOT);
                    if (p.startsWith("q=")) {
                        try {
                            zero = Double.parseDouble(p.substring(2)) <= 0;
                        } catch (NumberFormatException e) {
                            zero = true;
                        }
                    }
                }
                if (!zero) {
                    return true;
                }
            }
        }
        return false;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
