package io.github.o365auditcamel.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The spans of an OTLP/HTTP request body (an ExportTraceServiceRequest in protobuf), read as far as the tests need:
 * each span's trace, its own id, its parent's and its name. The protobuf wire format, read by hand: no protobuf
 * library is on the test class path.
 */
public final class OtlpSpans {

    /** A span; {@code parentSpanId} is empty for the root of a trace. */
    public record Span(String traceId, String spanId, String parentSpanId, String name) {
    }

    private OtlpSpans() {
    }

    /** ExportTraceServiceRequest: 1 resource_spans; ResourceSpans: 2 scope_spans; ScopeSpans: 2 spans. */
    public static List<Span> of(byte[] request) {
        List<Span> spans = new ArrayList<>();
        fields(ByteBuffer.wrap(request), (field, resourceSpans) -> {
            if (field == 1) {
                fields(resourceSpans, (f, scopeSpans) -> {
                    if (f == 2) {
                        fields(scopeSpans, (g, span) -> {
                            if (g == 2) {
                                spans.add(span(span));
                            }
                        });
                    }
                });
            }
        });
        return spans;
    }

    /** Span: 1 trace_id, 2 span_id, 4 parent_span_id (bytes), 5 name (string). */
    private static Span span(ByteBuffer span) {
        String[] values = {"", "", "", "", "", ""};
        fields(span, (field, value) -> {
            if (field == 1 || field == 2 || field == 4) {
                byte[] id = new byte[value.remaining()];
                value.get(id);
                values[field] = HexFormat.of().formatHex(id);
            } else if (field == 5) {
                values[field] = StandardCharsets.UTF_8.decode(value).toString();
            }
        });
        return new Span(values[1], values[2], values[4], values[5]);
    }

    /** Hands each length-delimited field of a message to {@code field}; skips the others. */
    private static void fields(ByteBuffer message, BiConsumer<Integer, ByteBuffer> field) {
        while (message.hasRemaining()) {
            long key = varint(message);
            int number = (int) (key >>> 3);
            switch ((int) (key & 7)) {
                case 0 -> varint(message);
                case 1 -> message.position(message.position() + 8);
                case 5 -> message.position(message.position() + 4);
                case 2 -> {
                    int length = (int) varint(message);
                    ByteBuffer value = message.slice(message.position(), length);
                    message.position(message.position() + length);
                    field.accept(number, value);
                }
                default -> throw new IllegalArgumentException("not an OTLP protobuf message (wire type "
                        + (key & 7) + ")");
            }
        }
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }
}
