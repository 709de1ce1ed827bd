package io.github.o365auditcamel.simulator;

import java.util.List;

/**
 * What a reference added by {@link ManagementApiSimulator#addHostileReference} is:
 * {@link ManagementApiSimulator#hostileReference(String)}.
 *
 * @param kind                    its kind
 * @param contentId               the listing entry's {@code contentId} (for {@link HostileReference#BAD_CONTENT_ID}
 *                                with its control characters)
 * @param listedUnder             the content type whose listing holds the entry
 * @param listedContentType       the entry's {@code contentType} field: {@code listedUnder}, except for
 *                                {@link HostileReference#WRONG_CONTENT_TYPE}
 * @param uriContentId            the last path segment of the entry's {@code contentUri}
 *                                ({@code .../activity/feed/audit/{uriContentId}}): {@code contentId}, except for
 *                                {@link HostileReference#BAD_CONTENT_ID} (another, non-existent, realistic id); null
 *                                for {@link HostileReference#MISSING_CONTENT_URI} (no contentUri listed)
 * @param deliverableRecordIds    the {@code Id}s of its records a collector must deliver (only
 *                                {@link HostileReference#HUGE_RECORD}'s first and third), in body order
 * @param undeliverableRecordIds  the {@code Id}s of records its body holds that must not be delivered
 *                                ({@link HostileReference#HUGE_RECORD}: the huge one;
 *                                {@link HostileReference#WRONG_CONTENT_TYPE}: all 5), in body order
 */
public record HostileEntry(HostileReference kind, String contentId, String listedUnder, String listedContentType,
                           String uriContentId, List<String> deliverableRecordIds, List<String> undeliverableRecordIds) {

    public HostileEntry {
        deliverableRecordIds = List.copyOf(deliverableRecordIds);
        undeliverableRecordIds = List.copyOf(undeliverableRecordIds);
    }

    /** For {@link HostileReference#HUGE_RECORD}: the {@code Id} of the huge (middle) record; else null. */
    public String hugeRecordId() {
        return kind == HostileReference.HUGE_RECORD ? undeliverableRecordIds.get(0) : null;
    }
}
