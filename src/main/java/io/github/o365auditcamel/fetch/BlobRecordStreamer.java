package io.github.o365auditcamel.fetch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads a blob's HTTP body, a JSON array of audit records, as a stream: one record at a time, each handed on as its
 * {@code Id} and its JSON bytes exactly as served. Nothing holds the array, so memory does not grow with the blob's
 * size.
 * <p>
 * Jackson's streaming parser walks each record token by token (checking the JSON and finding the {@code Id} without
 * building a tree), and the record's bytes are cut out of the body as read: from its opening brace to its closing
 * one. Only the record being read, and the parser's read-ahead, are kept. Neither parsing into a tree nor writing
 * the record again is needed: they took most of the collector's CPU.
 */
public class BlobRecordStreamer {

    /** More bytes than this between two records is padding, not JSON a service writes. */
    static final long MAX_GAP_BYTES = 1024 * 1024;

    private final JsonFactory factory = new JsonFactory();
    private final long maxRecordBytes;
    private final long maxBlobBytes;

    /** Without limits but the one on padding between records: for tests. */
    public BlobRecordStreamer() {
        this(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
    }

    /**
     * @param maxRecordBytes a record longer than this is handed out without its bytes ({@link AuditRecord#isOversized})
     * @param maxBlobBytes a blob longer than this (after decompression) is refused as malformed
     */
    public BlobRecordStreamer(long maxRecordBytes, long maxBlobBytes) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxBlobBytes = maxBlobBytes;
    }

    /** A lazy iterator over the records of the blob in {@code body}; it closes the body when done or failed. */
    public RecordIterator records(InputStream body) throws IOException {
        RetainingInputStream retained = new RetainingInputStream(body, maxRecordBytes, MAX_GAP_BYTES, maxBlobBytes);
        return new RecordIterator(factory.createParser(retained), retained);
    }

    /** The records of one blob; {@link #count()} tells how many were handed out so far. */
    public final class RecordIterator implements Iterator<AuditRecord>, Closeable {
        private final JsonParser parser;
        private final RetainingInputStream body;
        private long count;
        private boolean started;
        private boolean finished;
        private AuditRecord pending;

        private RecordIterator(JsonParser parser, RetainingInputStream body) {
            this.parser = parser;
            this.body = body;
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
            AuditRecord record = pending;
            pending = null;
            if (record.id() == null || record.id().isBlank()) {
                close();
                throw new BlobFormatException("record " + (count + 1) + " of the blob has no Id");
            }
            count++;
            return record;
        }

        private AuditRecord readNext() {
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
                long start = parser.currentTokenLocation().getByteOffset();
                if (start < 0) {
                    // a parser over characters, not bytes: the service serves UTF-8
                    throw new BlobFormatException("blob is not UTF-8 JSON");
                }
                // what was read before this record is no longer needed
                body.startRecord(start);
                String id = null;
                String workload = null;
                String operation = null;
                String creationTime = null;
                int recordType = -1;
                int depth = 1;
                while (depth > 0) {
                    JsonToken t = parser.nextToken();
                    if (t == null) {
                        throw new BlobFormatException("element " + (count + 1) + " of the blob is not a JSON object"
                                + " (the blob is truncated)");
                    }
                    switch (t) {
                        case START_OBJECT, START_ARRAY -> depth++;
                        case END_OBJECT, END_ARRAY -> depth--;
                        case VALUE_STRING -> {
                            if (depth == 1) {
                                // the fields a consumer routes by, met on this walk: no second parse
                                switch (parser.currentName()) {
                                    case "Id" -> id = id == null ? parser.getText() : id;
                                    case "Workload" -> workload = workload == null ? parser.getText() : workload;
                                    case "Operation" -> operation = operation == null ? parser.getText() : operation;
                                    case "CreationTime" ->
                                            creationTime = creationTime == null ? parser.getText() : creationTime;
                                    default -> {
                                        // other fields are passed over
                                    }
                                }
                            }
                        }
                        case VALUE_NUMBER_INT -> {
                            if (depth == 1 && recordType < 0 && "RecordType".equals(parser.currentName())) {
                                recordType = parser.getNumberType() == JsonParser.NumberType.INT
                                        ? Math.max(0, parser.getIntValue()) : -1;
                            }
                        }
                        default -> {
                            // other values are checked by the parser and otherwise skipped
                        }
                    }
                }
                long end = parser.currentLocation().getByteOffset();
                return new AuditRecord(id, body.endRecord(start, end), end - start, workload, operation, recordType,
                        creationTime);
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
