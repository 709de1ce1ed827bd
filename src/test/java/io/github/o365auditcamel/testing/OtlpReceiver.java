package io.github.o365auditcamel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Where an OpenTelemetry SDK sends its spans over OTLP/HTTP ({@code POST /v1/traces}, protobuf): keeps each request's
 * body as sent and answers it as a collector does. Not decoded: a span's names and attribute values are UTF-8 strings
 * in the protobuf bytes, which is what the tests look for (and for what must not be there).
 */
public final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<byte[]> bodies = new ArrayList<>();
    private final List<String> contentTypes = new ArrayList<>();

    public OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", this::receive);
        server.start();
    }

    /** The value of OTEL_EXPORTER_OTLP_ENDPOINT that points an SDK here (it adds {@code /v1/traces}). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream in = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            byte[] body = in.readAllBytes();
            synchronized (this) {
                bodies.add(body);
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            }
            // an empty ExportTraceServiceResponse: everything accepted
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** Every request's body so far, as text (ISO-8859-1: one char a byte, so any UTF-8 string is found in it). */
    public synchronized String received() {
        StringBuilder all = new StringBuilder();
        bodies.forEach(body -> all.append(new String(body, StandardCharsets.ISO_8859_1)).append('\n'));
        return all.toString();
    }

    /** Every span received so far. */
    public synchronized List<OtlpSpans.Span> spans() {
        return bodies.stream().flatMap(body -> OtlpSpans.of(body).stream()).toList();
    }

    public synchronized int requestCount() {
        return bodies.size();
    }

    public synchronized List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** Waits until what was received satisfies {@code done}; false when it did not within the timeout. */
    public boolean awaitReceived(Predicate<String> done, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(received())) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
