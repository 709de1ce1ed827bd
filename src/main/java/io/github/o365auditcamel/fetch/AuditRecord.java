package io.github.o365auditcamel.fetch;

/** One audit record of a blob: its {@code Id} and its JSON as served, in UTF-8. */
public record AuditRecord(String id, byte[] json) {
}
