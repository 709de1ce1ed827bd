package io.github.o365auditcamel.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The start line and headers of an HTTP/1.1 message that {@link ForwardProxy} reads, with what its framing needs:
 * a {@link Request} from a client, a {@link Response} from a target.
 */
abstract class ProxyMessage {

    /** Request and response headers not forwarded: those of the connection, and the framing, which is redone. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect");
    private static final int MAX_HEADERS = 200;

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
        while (!(line = HttpBodies.readLine(in)).isEmpty()) {
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

    static final class Request extends ProxyMessage {
        String method;
        String target;
        boolean keepAlive;

        /** The next request on a connection, or null at its end. */
        static Request read(InputStream in) throws IOException {
            String line;
            do {
                try {
                    line = HttpBodies.readLine(in);
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
                HttpBodies.copyChunked(in, OutputStream.nullOutputStream());
            } else if (contentLength > 0) {
                HttpBodies.copyExactly(in, OutputStream.nullOutputStream(), contentLength);
            }
        }
    }

    static final class Response extends ProxyMessage {
        int status;
        String reason;

        /** The final answer of the target (interim 1xx ones skipped), or null when it closed without one. */
        static Response read(InputStream in) throws IOException {
            while (true) {
                String line;
                try {
                    line = HttpBodies.readLine(in);
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
}
