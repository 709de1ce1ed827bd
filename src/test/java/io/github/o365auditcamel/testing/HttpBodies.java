package io.github.o365auditcamel.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 framing on streams, for {@link ForwardProxy}: lines, chunked bodies, bodies of a known length or to the end. */
final class HttpBodies {

    private static final int MAX_LINE = 64 * 1024;

    private HttpBodies() {
    }

    /** A line up to LF (a CR before it dropped), ISO-8859-1; EOFException at an end of stream before any byte. */
    static String readLine(InputStream in) throws IOException {
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
    static void copyChunked(InputStream in, OutputStream out) throws IOException {
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

    static void copyExactly(InputStream in, OutputStream out, long count) throws IOException {
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

    static void copyToEnd(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (in.available() == 0) {
                out.flush();
            }
        }
    }
}
