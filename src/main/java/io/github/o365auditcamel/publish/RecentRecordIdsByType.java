package io.github.o365auditcamel.publish;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.o365auditcamel.config.CollectorSettings;

/**
 * The record ids published recently, one table per content type for the whole instance: an audit record's {@code Id}
 * is a GUID, unique across tenants, so the tenants share the tables and their memory ({@code o365.dedupe-capacity}
 * ids, about 45 bytes each, per content type) does not grow with the number of tenants.
 */
public final class RecentRecordIdsByType {

    private final int capacity;
    private final long windowMillis;
    private final boolean enabled;
    private final Map<String, RecentRecordIds> byType = new ConcurrentHashMap<>();

    /** @param settings the deployment's settings ({@code o365.dedupe-window}, {@code o365.dedupe-capacity}) */
    public RecentRecordIdsByType(CollectorSettings settings) {
        this.capacity = settings.dedupeCapacity();
        this.windowMillis = settings.dedupeWindow().toMillis();
        this.enabled = settings.dedupeEnabled();
    }

    /** The content type's table, made when first asked for; null when the copies are not dropped. */
    RecentRecordIds of(String contentType) {
        return enabled ? byType.computeIfAbsent(contentType, t -> new RecentRecordIds(capacity, windowMillis)) : null;
    }
}
