package io.github.o365auditcamel.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Reads a blob's HTTP body, a JSON array of audit records, as a stream: one record at a time, each handed on as its
 * {@code Id} and its JSON bytes. Nothing holds the array, so memory does not grow with the blob's size.
 */
public class BlobRecordStreamer {

    private final ObjectMapper mapper = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** A lazy iterator over the records of the blob in {@code body}; it closes the body when done or failed. */
    public RecordIterator records(InputStream body) throws IOException {
        return new RecordIterator(mapper.getFactory().createParser(body));
    }

    /** The records of one blob; {@link #count()} tells how many were handed out so far. */
    public final class RecordIterator implements Iterator<AuditRecord>, Closeable {
        private final JsonParser parser;
        private long count;
        private boolean started;
        private boolean finished;
        private JsonNode pending;

        private RecordIterator(JsonParser parser) {
            this.parser = parser;
        }

        public long count() {
            return count;
        }

        @Override
        public boolean hasNext() {
            if (pending == null && !finished) {
                pending = readNext();
            }
            return pending != null;
        }

        @Override
        public AuditRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            JsonNode record = pending;
            pending = null;
            JsonNode id = record.get("Id");
            if (id == null || !id.isTextual() || id.asText().isBlank()) {
                close();
                throw new BlobFormatException("record " + (count + 1) + " of the blob has no Id");
            }
            byte[] json;
            try {
                json = mapper.writeValueAsBytes(record);
            } catch (JsonProcessingException e) {
                close();
                throw new BlobFormatException("record " + (count + 1) + " could not be written as JSON: "
                        + e.getOriginalMessage());
            }
            count++;
            return new AuditRecord(id.asText(), json);
        }

        private JsonNode readNext() {
            try {
                if (!started) {
                    started = true;
                    JsonToken first = parser.nextToken();
                    if (first != JsonToken.START_ARRAY) {
                        throw new BlobFormatException("blob is not a JSON array (starts with " + first + ")");
                    }
                }
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY) {
                    if (parser.nextToken() != null) {
                        throw new BlobFormatException("blob has content after its JSON array");
                    }
                    close();
                    return null;
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new BlobFormatException("element " + (count + 1) + " of the blob is not a JSON object"
                            + (token == null ? " (the blob is truncated)" : " but " + token));
                }
                return parser.readValueAsTree();
            } catch (BlobFormatException e) {
                close();
                throw e;
            } catch (JsonProcessingException e) {
                close();
                // no cause: the parser's IOException would read as a network failure to the retry policy
                throw new BlobFormatException("blob is not valid JSON after " + count + " records: "
                        + e.getOriginalMessage());
            } catch (IOException e) {
                // the connection failed, not the content: the blob is fetched again
                close();
                throw new java.io.UncheckedIOException("reading the blob failed after " + count + " records", e);
            }
        }

        @Override
        public void close() {
            finished = true;
            try {
                parser.close();
            } catch (IOException ignored) {
                // nothing left to read from it
            }
        }
    }
}
