package io.github.o365auditcamel.fetch;

/**
 * One audit record of a blob: its {@code Id}, its JSON as served, in UTF-8, and its size; a record longer than the
 * limit ({@code O365_MAX_RECORD_BYTES}) comes without its bytes, to be dead-lettered as a reference.
 */
public record AuditRecord(String id, byte[] json, long size) {

    /** Whether the record was too long to be kept (and published). */
    public boolean isOversized() {
        return json == null;
    }
}
