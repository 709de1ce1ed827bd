package io.github.o365auditcamel.config;

/**
 * What a blob may hold, whatever it says: a record longer than {@code maxRecordBytes} ({@code O365_MAX_RECORD_BYTES})
 * is dead-lettered as a reference while the blob's other records are published; a blob longer than
 * {@code maxBlobBytes} after decompression ({@code O365_MAX_BLOB_BYTES}) is dead-lettered whole. Memory does not grow
 * with either: records are cut out of the stream one at a time.
 */
public record SizeLimits(long maxRecordBytes, long maxBlobBytes) {

    /** Room for a record's key, headers and batch framing above its JSON in a Kafka message. */
    public static final int MESSAGE_OVERHEAD = 64 * 1024;
    /** Kafka's own default limit of a message ({@code max.message.bytes}, {@code max.request.size}). */
    public static final int KAFKA_DEFAULT_MESSAGE_BYTES = 1_048_576;

    /** {@code max.request.size} of the producers and {@code max.message.bytes} of the record topics created. */
    public int maxMessageBytes() {
        return (int) Math.max(KAFKA_DEFAULT_MESSAGE_BYTES, maxRecordBytes + MESSAGE_OVERHEAD);
    }
}
