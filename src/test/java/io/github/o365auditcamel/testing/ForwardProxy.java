package io.github.o365auditcamel.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.o365auditcamel.testing.ProxyMessage.Request;
import io.github.o365auditcamel.testing.ProxyMessage.Response;

/**
 * An HTTP forward proxy for tests, as a company's proxy would be. It takes requests in absolute form
 * ({@code GET http://host:port/path}) on kept-alive connections, and {@code CONNECT host:port} tunnels (for https
 * targets); both demand Basic proxy authentication (407 with {@code Proxy-Authenticate: Basic realm="test-proxy"},
 * on the same connection, until the right {@code Proxy-Authorization} comes). A request is forwarded to its target
 * on a connection of its own, without the hop-by-hop headers, and the answer streamed back with its own framing
 * (Content-Length, chunked, or up to the close of the connection). A tunnel pipes bytes both ways until the two sides
 * are done. Each forwarded request is recorded (before it is forwarded) as {@code METHOD absolute-URI}, each
 * established tunnel as {@code CONNECT host:port}, so that a test can tell what went through the proxy.
 * <p>
 * Built on plain sockets, one daemon thread per connection (two per tunnel); it listens on 127.0.0.1 only.
 */
public final class ForwardProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int TARGET_READ_TIMEOUT_MILLIS = 120_000;
    /** An idle client connection is closed after this long, as proxies do. */
    private static final int CLIENT_IDLE_TIMEOUT_MILLIS = 300_000;

    private final ServerSocket listener;
    private final ExecutorService threads;
    private final String expectedCredentials;
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final AtomicInteger challenged = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** CONNECT targets ({@code host:port}) sent elsewhere, as a split-horizon DNS would: see {@link #tunnelling}. */
    private final Map<String, InetSocketAddress> tunnelTargets = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ForwardProxy(String username, String password) throws IOException {
        this.expectedCredentials = Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        AtomicInteger threadNumber = new AtomicInteger();
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "forward-proxy-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        threads.execute(this::accept);
    }

    /** The proxy's URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /**
     * Tunnels a CONNECT to {@code target} ({@code host:port}, such as {@code manage.office.com:443}) to {@code to}
     * instead: a machine that cannot reach Microsoft plays its hosts with simulators, and the collector under test
     * names the real hosts, with no URL overrides. The tunnel is still recorded as {@code CONNECT target}.
     */
    public ForwardProxy tunnelling(String target, InetSocketAddress to) {
        tunnelTargets.put(target, to);
        return this;
    }

    /** Requests forwarded, as {@code METHOD absolute-URI}, and tunnels established, as {@code CONNECT host:port}. */
    public List<String> forwarded() {
        return List.copyOf(forwarded);
    }

    /** Requests (CONNECT ones included) answered 407 because they came without (or with wrong) proxy credentials. */
    public int challenged() {
        return challenged.get();
    }

    /** CONNECT tunnels established (answered 200 after the target was reached). */
    public int tunnels() {
        return tunnels.get();
    }

    /** Requests forwarded per key of their {@link #forwarded()} line, for assertions. */
    public Map<String, Integer> countBy(Function<String, String> key) {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        forwarded.forEach(f -> counts.merge(key.apply(f), 1, Integer::sum));
        return counts;
    }

    /** Closes the listener and every open connection (clients', targets', tunnels') at once. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    // ================================================================== connections

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!track(client)) {
                return;
            }
            try {
                threads.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                untrack(client);
                return;
            }
        }
    }

    /** Registers a socket for {@link #close()}; false (and the socket closed) when the proxy is closed already. */
    private boolean track(Socket socket) {
        open.add(socket);
        if (closed) {
            untrack(socket);
            return false;
        }
        return true;
    }

    private void untrack(Socket socket) {
        open.remove(socket);
        closeQuietly(socket);
    }

    private void serve(Socket client) {
        try {
            client.setTcpNoDelay(true);
            client.setSoTimeout(CLIENT_IDLE_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            boolean keepGoing = true;
            while (keepGoing && !closed) {
                Request request = Request.read(in);
                if (request == null) {
                    return; // the client closed the connection between requests
                }
                if (request.method.equals("CONNECT")) {
                    // after a tunnel, the connection is the tunnel's: nothing follows on it
                    keepGoing = connect(request, client, in, out);
                } else {
                    keepGoing = forward(request, in, out);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the connection failed, or the proxy was closed: nothing more to do on it
        } finally {
            untrack(client);
        }
    }

    // ================================================================== absolute-form requests

    /** Forwards one request and streams its answer back; true when the client connection can take another. */
    private boolean forward(Request request, InputStream in, OutputStream out) throws IOException {
        URI target;
        try {
            target = new URI(request.target);
        } catch (java.net.URISyntaxException e) {
            target = null;
        }
        if (target == null || !"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
            // not a proxy request (the client came to the proxy as if it were the server), or not an http target
            request.skipBody(in);
            respondEmpty(out, 400, "Bad Request", null, !request.keepAlive);
            return request.keepAlive;
        }
        if (!authorized(request)) {
            return challenge(request, in, out);
        }
        if (request.expectsContinue() && request.hasBody()) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        int port = target.getPort() < 0 ? 80 : target.getPort();
        String authority = target.getPort() < 0 ? target.getHost() : target.getHost() + ":" + port;
        String path = originForm(request.target);

        forwarded.add(request.method + " " + request.target);
        Socket upstream = new Socket();
        if (!track(upstream)) {
            return false;
        }
        try {
            try {
                upstream.connect(new InetSocketAddress(target.getHost(), port), CONNECT_TIMEOUT_MILLIS);
                upstream.setSoTimeout(TARGET_READ_TIMEOUT_MILLIS);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                request.skipBody(in);
                respondEmpty(out, 502, "Bad Gateway", null, true);
                return false;
            }
            OutputStream toTarget = new BufferedOutputStream(upstream.getOutputStream());
            InputStream fromTarget = new BufferedInputStream(upstream.getInputStream());

            StringBuilder head = new StringBuilder();
            head.append(request.method).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(authority).append("\r\n");
            for (String[] header : request.headers) {
                if (!request.hopByHop(header[0])) {
                    head.append(header[0]).append(": ").append(header[1]).append("\r\n");
                }
            }
            if (request.chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else if (request.contentLength >= 0) {
                head.append("Content-Length: ").append(request.contentLength).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            toTarget.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            // the body as it comes (the client is ours to read in any case)
            if (request.chunked) {
                HttpBodies.copyChunked(in, toTarget);
            } else if (request.contentLength > 0) {
                HttpBodies.copyExactly(in, toTarget, request.contentLength);
            }
            toTarget.flush();

            Response response;
            try {
                response = Response.read(fromTarget);
            } catch (IOException e) {
                response = null;
            }
            if (response == null) {
                // the target closed the connection (or failed) without an answer
                respondEmpty(out, 502, "Bad Gateway", null, true);
                return false;
            }
            return relay(request, response, fromTarget, out);
        } finally {
            untrack(upstream);
        }
    }

    /** Streams the target's answer to the client; true when the client connection can take another request. */
    private static boolean relay(Request request, Response response, InputStream fromTarget, OutputStream out)
            throws IOException {
        boolean bodyless = request.method.equals("HEAD") || response.status == 204 || response.status == 304
                || response.status / 100 == 1;
        boolean chunked = !bodyless && response.chunked;
        long length = bodyless || chunked ? -1 : response.contentLength;
        boolean closeDelimited = !bodyless && !chunked && length < 0;
        boolean keepAlive = request.keepAlive && !closeDelimited;

        StringBuilder head = new StringBuilder();
        head.append("HTTP/1.1 ").append(response.status).append(' ').append(response.reason).append("\r\n");
        for (String[] header : response.headers) {
            if (!response.hopByHop(header[0])) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
        }
        if (bodyless) {
            if (response.contentLength >= 0) {
                // for HEAD and 304, the length of the body a GET would get
                head.append("Content-Length: ").append(response.contentLength).append("\r\n");
            }
        } else if (chunked) {
            head.append("Transfer-Encoding: ").append(response.transferEncoding).append("\r\n");
        } else if (length >= 0) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (chunked) {
            HttpBodies.copyChunked(fromTarget, out);
        } else if (length > 0) {
            HttpBodies.copyExactly(fromTarget, out, length);
        } else if (closeDelimited) {
            HttpBodies.copyToEnd(fromTarget, out);
        }
        out.flush();
        return keepAlive;
    }

    // ================================================================== CONNECT tunnels

    /**
     * Answers a CONNECT: a 407 (the connection kept) without the right credentials, otherwise the tunnel, up to its
     * end; true when the client connection can take another request.
     */
    private boolean connect(Request request, Socket client, InputStream in, OutputStream out) throws IOException {
        int colon = request.target.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(request.target.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port <= 0 || port > 65535) {
            request.skipBody(in);
            respondEmpty(out, 400, "Bad Request", null, true);
            return false;
        }
        String host = request.target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!authorized(request)) {
            return challenge(request, in, out);
        }
        request.skipBody(in);
        Socket upstream = new Socket();
        if (!track(upstream)) {
            return false;
        }
        try {
            try {
                InetSocketAddress target = tunnelTargets.get(request.target); // resolve the name only when not mapped
                if (target == null) {
                    target = new InetSocketAddress(host, port);
                }
                upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                respondEmpty(out, 502, "Bad Gateway", null, true);
                return false;
            }
            tunnels.incrementAndGet();
            forwarded.add("CONNECT " + request.target);
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            client.setSoTimeout(0);

            // target to client on another thread; client to target (from what is buffered already) on this one
            InputStream fromTarget = upstream.getInputStream();
            OutputStream toClient = client.getOutputStream();
            java.util.concurrent.Future<?> back;
            try {
                back = threads.submit(() -> pipe(fromTarget, toClient, client, upstream));
            } catch (RejectedExecutionException e) {
                return false;
            }
            pipe(in, upstream.getOutputStream(), upstream, client);
            try {
                back.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                // the other direction failed: both sockets are closed below
            }
            return false;
        } finally {
            untrack(upstream);
        }
    }

    /**
     * Copies one direction of a tunnel until its end of stream, then half-closes the receiving side (the other
     * direction goes on until its own end; the caller closes both sockets once both are done); on a failure, both
     * sockets are closed, which ends the other direction too.
     */
    private static void pipe(InputStream from, OutputStream to, Socket receiver, Socket sender) {
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
            if (!receiver.isClosed() && !receiver.isOutputShutdown()) {
                receiver.shutdownOutput();
            }
        } catch (IOException e) {
            closeQuietly(receiver);
            closeQuietly(sender);
        }
    }

    // ================================================================== authentication

    private boolean authorized(Request request) {
        String value = request.header("Proxy-Authorization");
        if (value == null) {
            return false;
        }
        value = value.trim();
        int space = value.indexOf(' ');
        return space > 0 && value.substring(0, space).equalsIgnoreCase("Basic")
                && value.substring(space + 1).trim().equals(expectedCredentials);
    }

    /** Answers 407 on the kept-alive connection (closed if its body cannot be told apart from what follows). */
    private boolean challenge(Request request, InputStream in, OutputStream out) throws IOException {
        challenged.incrementAndGet();
        boolean keepAlive = request.keepAlive;
        if (request.expectsContinue() && request.hasBody()) {
            // the client waits for a 100 before its body, or sends it anyway: which one cannot be told
            keepAlive = false;
        } else {
            request.skipBody(in);
        }
        respondEmpty(out, 407, "Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test-proxy\"",
                !keepAlive);
        return keepAlive;
    }

    private static void respondEmpty(OutputStream out, int status, String reason, String header, boolean close)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        if (header != null) {
            head.append(header).append("\r\n");
        }
        head.append("Content-Length: 0\r\n");
        if (close) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** {@code /path?query} of an absolute-form target, exactly as the client wrote it. */
    private static String originForm(String absolute) {
        int schemeEnd = absolute.indexOf("://");
        int pathStart = schemeEnd < 0 ? -1 : indexOfAny(absolute, "/?#", schemeEnd + 3);
        if (pathStart < 0) {
            return "/";
        }
        String rest = absolute.substring(pathStart);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        if (rest.isEmpty()) {
            return "/";
        }
        return rest.charAt(0) == '/' ? rest : "/" + rest;
    }

    private static int indexOfAny(String s, String chars, int from) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
