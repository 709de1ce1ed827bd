package io.github.o365auditcamel.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

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

    /** Request and response headers not forwarded: those of the connection, and the framing, which is redone. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
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
                copyChunked(in, toTarget);
            } else if (request.contentLength > 0) {
                copyExactly(in, toTarget, request.contentLength);
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
            copyChunked(fromTarget, out);
        } else if (length > 0) {
            copyExactly(fromTarget, out, length);
        } else if (closeDelimited) {
            copyToEnd(fromTarget, out);
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
                InetSocketAddress target = tunnelTargets.getOrDefault(request.target,
                        new InetSocketAddress(host, port));
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

    // ================================================================== HTTP/1.1 messages

    /** The start line and headers of a message, with what its framing needs. */
    private abstract static class Message {
        final List<String[]> headers = new ArrayList<>();
        final Set<String> connectionOptions = new HashSet<>();
        boolean chunked;
        String transferEncoding;
        long contentLength = -1;

        String header(String name) {
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(name)) {
                    return header[1];
                }
            }
            return null;
        }

        /** Not forwarded: hop-by-hop by nature, or named in {@code Connection}. */
        boolean hopByHop(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return HOP_BY_HOP.contains(lower) || connectionOptions.contains(lower);
        }

        void readHeaders(InputStream in) throws IOException {
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                if (headers.size() >= MAX_HEADERS) {
                    throw new IOException("too many headers");
                }
                if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                    // obsolete line folding: part of the previous value
                    String[] last = headers.get(headers.size() - 1);
                    last[1] = last[1] + " " + line.trim();
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("bad header line: " + line);
                }
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            for (String[] header : headers) {
                String name = header[0].toLowerCase(Locale.ROOT);
                if (name.equals("connection") || name.equals("proxy-connection")) {
                    for (String option : header[1].split(",")) {
                        if (!option.isBlank()) {
                            connectionOptions.add(option.trim().toLowerCase(Locale.ROOT));
                        }
                    }
                } else if (name.equals("transfer-encoding")) {
                    transferEncoding = transferEncoding == null ? header[1] : transferEncoding + ", " + header[1];
                } else if (name.equals("content-length") && contentLength < 0) {
                    try {
                        contentLength = Long.parseLong(header[1].split(",")[0].trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length: " + header[1]);
                    }
                }
            }
            if (transferEncoding != null) {
                String[] codings = transferEncoding.split(",");
                chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
                contentLength = -1; // Transfer-Encoding wins over Content-Length
            }
        }
    }

    private static final class Request extends Message {
        String method;
        String target;
        boolean keepAlive;

        /** The next request on a connection, or null at its end. */
        static Request read(InputStream in) throws IOException {
            String line;
            do {
                try {
                    line = readLine(in);
                } catch (EOFException e) {
                    return null;
                }
            } while (line.isEmpty()); // empty lines before a request are to be ignored
            String[] parts = line.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                throw new IOException("bad request line: " + line);
            }
            Request request = new Request();
            request.method = parts[0];
            request.target = parts[1];
            request.readHeaders(in);
            if (request.transferEncoding != null && !request.chunked) {
                throw new IOException("request body of unknown length: " + request.transferEncoding);
            }
            request.keepAlive = parts[2].equals("HTTP/1.1")
                    ? !request.connectionOptions.contains("close")
                    : request.connectionOptions.contains("keep-alive");
            return request;
        }

        boolean hasBody() {
            return chunked || contentLength > 0;
        }

        boolean expectsContinue() {
            String expect = header("Expect");
            return expect != null && expect.equalsIgnoreCase("100-continue");
        }

        void skipBody(InputStream in) throws IOException {
            if (chunked) {
                copyChunked(in, OutputStream.nullOutputStream());
            } else if (contentLength > 0) {
                copyExactly(in, OutputStream.nullOutputStream(), contentLength);
            }
        }
    }

    private static final class Response extends Message {
        int status;
        String reason;

        /** The final answer of the target (interim 1xx ones skipped), or null when it closed without one. */
        static Response read(InputStream in) throws IOException {
            while (true) {
                String line;
                try {
                    line = readLine(in);
                } catch (EOFException e) {
                    return null;
                }
                if (!line.startsWith("HTTP/1.") || line.length() < 12) {
                    throw new IOException("bad status line: " + line);
                }
                Response response = new Response();
                try {
                    response.status = Integer.parseInt(line.substring(9, 12));
                } catch (NumberFormatException e) {
                    throw new IOException("bad status line: " + line);
                }
                response.reason = line.length() > 13 ? line.substring(13) : "";
                response.readHeaders(in);
                if (response.status / 100 != 1 || response.status == 101) {
                    return response;
                }
            }
        }
    }

    // ================================================================== bytes

    /** A line up to LF (a CR before it dropped), ISO-8859-1; EOFException at an end of stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("line too long");
            }
            line.append((char) b);
        }
        if (line.length() == 0) {
            throw new EOFException();
        }
        throw new IOException("end of stream inside a line");
    }

    /** Copies a chunked body, chunk by chunk (extensions dropped, trailers kept), through its last chunk. */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + sizeLine);
            }
            if (size < 0) {
                throw new IOException("bad chunk size: " + sizeLine);
            }
            out.write((Long.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (size == 0) {
                String trailer;
                while (!(trailer = readLine(in)).isEmpty()) {
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            copyExactly(in, out, size);
            if (!readLine(in).isEmpty()) {
                throw new IOException("no CRLF after a chunk");
            }
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (in.available() == 0) {
                out.flush(); // nothing more yet: what came so far goes on now
            }
        }
    }

    private static void copyExactly(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("end of stream with " + left + " of " + count + " bytes to come");
            }
            out.write(buffer, 0, n);
            left -= n;
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    private static void copyToEnd(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
