package io.github.o365auditcamel.fetch;

/**
 * One audit record of a blob: its {@code Id}, its JSON as served, in UTF-8, and its size; a record longer than the
 * limit ({@code O365_MAX_RECORD_BYTES}) comes without its bytes, to be dead-lettered as a reference. Also the few
 * top-level fields a consumer routes by, as the streamer met them on its one walk over the record's tokens (null, or
 * -1 for the record type, when the record has none): {@code Workload}, {@code Operation}, {@code RecordType} and
 * {@code CreationTime} (as served: UTC, usually without a zone, {@code 2026-12-07T04:12:45}).
 */
public record AuditRecord(String id, byte[] json, long size, String workload, String operation, int recordType,
        String creationTime) {

    /** Whether the record was too long to be kept (and published). */
    public boolean isOversized() {
        return json == null;
    }
}
