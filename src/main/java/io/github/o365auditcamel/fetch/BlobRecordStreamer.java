package io.github.o365auditcamel.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Turns a blob's HTTP body, a JSON array of audit records, into a lazy iterator of Kafka-ready messages: one per
 * record, keyed by the record's {@code Id}, its body the record's JSON in UTF-8. The array is read as a stream, one
 * record at a time, so memory does not grow with the blob's size; the Kafka producer pulls and batches the records.
 */
public class BlobRecordStreamer {

    /** Exchange variable holding the number of records streamed so far from the current blob. */
    public static final String RECORD_COUNT_VARIABLE = "recordCount";

    private final ObjectMapper mapper = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** The records of the blob in the message body (an InputStream), as an iterator for camel-kafka. */
    public Iterator<Message> records(Exchange exchange) throws IOException, org.apache.camel.InvalidPayloadException {
        InputStream body = exchange.getMessage().getMandatoryBody(InputStream.class);
        AtomicLong count = new AtomicLong();
        exchange.setVariable(RECORD_COUNT_VARIABLE, count);
        JsonParser parser = mapper.getFactory().createParser(body);
        return new RecordIterator(exchange, parser, count);
    }

    private final class RecordIterator implements Iterator<Message> {
        private final Exchange exchange;
        private final JsonParser parser;
        private final AtomicLong count;
        private boolean started;
        private boolean finished;
        private JsonNode pending;

        RecordIterator(Exchange exchange, JsonParser parser, AtomicLong count) {
            this.exchange = exchange;
            this.parser = parser;
            this.count = count;
        }

        @Override
        public boolean hasNext() {
            if (pending == null && !finished) {
                pending = readNext();
            }
            return pending != null;
        }

        @Override
        public Message next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            JsonNode record = pending;
            pending = null;
            JsonNode id = record.get("Id");
            if (id == null || !id.isTextual() || id.asText().isBlank()) {
                throw new BlobFormatException("record " + (count.get() + 1) + " of the blob has no Id");
            }
            Message message = new DefaultMessage(exchange.getContext());
            message.setHeader(KafkaConstants.KEY, id.asText());
            try {
                message.setBody(mapper.writeValueAsBytes(record));
            } catch (IOException e) {
                throw new BlobFormatException("record " + (count.get() + 1) + " could not be written as JSON", e);
            }
            count.incrementAndGet();
            return message;
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
                    throw new BlobFormatException("element " + (count.get() + 1) + " of the blob is not a JSON object"
                            + (token == null ? " (the blob is truncated)" : " but " + token));
                }
                return parser.readValueAsTree();
            } catch (BlobFormatException e) {
                close();
                throw e;
            } catch (IOException e) {
                close();
                throw new BlobFormatException("blob is not valid JSON after " + count.get() + " records: "
                        + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()), e);
            }
        }

        private void close() {
            finished = true;
            try {
                parser.close();
            } catch (IOException ignored) {
                // the HTTP response is released when the exchange completes
            }
        }
    }
}
