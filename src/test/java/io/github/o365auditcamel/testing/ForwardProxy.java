package io.github.o365auditcamel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A plain HTTP forward proxy for tests, as a company's proxy would be: it takes requests in absolute form
 * ({@code GET http://host:port/path}), demands Basic proxy authentication (407 with {@code Proxy-Authenticate} until
 * the right {@code Proxy-Authorization} comes), forwards them and streams the answer back. It records each forwarded
 * request, so that a test can tell what went through it. HTTP targets only: no CONNECT tunnels.
 */
public final class ForwardProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final String expectedAuthorization;
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final AtomicInteger challenged = new AtomicInteger();

    public ForwardProxy(String username, String password) throws IOException {
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The proxy's URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests forwarded, as {@code METHOD absolute-URI}. */
    public List<String> forwarded() {
        return List.copyOf(forwarded);
    }

    /** Requests answered 407 because they came without (or with wrong) proxy credentials. */
    public int challenged() {
        return challenged.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI target = exchange.getRequestURI();
            if (target.getScheme() == null || target.getHost() == null) {
                // not a proxy request: the client went to the proxy as if it were the server
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Proxy-Authorization"))) {
                challenged.incrementAndGet();
                exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"test-proxy\"");
                drain(exchange.getRequestBody());
                exchange.sendResponseHeaders(407, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(120))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                if (!HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
                    for (String value : header.getValue()) {
                        request.header(header.getKey(), value);
                    }
                }
            }
            forwarded.add(exchange.getRequestMethod() + " " + target);
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
                return;
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-2);
            // -1: no body; 0: chunked, length unknown
            exchange.sendResponseHeaders(response.statusCode(), length == 0 ? -1 : length > 0 ? length : 0);
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.readAllBytes();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Requests forwarded per target path prefix, for assertions. */
    public Map<String, Integer> countBy(java.util.function.Function<String, String> key) {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        forwarded.forEach(f -> counts.merge(key.apply(f), 1, Integer::sum));
        return counts;
    }
}
