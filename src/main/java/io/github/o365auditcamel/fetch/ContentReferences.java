package io.github.o365auditcamel.fetch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.github.o365auditcamel.progress.LogText;

/**
 * A listing entry is data from the network, not a promise. The listing hands each entry to the fetchers with the
 * content type it asked for ({@value #LISTED_AS}); the fetchers check the entry against it before anything is
 * fetched, and only the content type asked for ever names a topic or a metric label.
 */
public class ContentReferences {

    /** The field the listing adds to each entry: the content type whose listing served it. */
    public static final String LISTED_AS = "listedAs";

    /** The service's contentIds: printable, no separators of a URI path or query, bounded. */
    private static final Pattern CONTENT_ID = Pattern.compile("[\\x21-\\x7E&&[^/?#%\\\\\"]]{1,512}");

    /**
     * A listing entry as handed to the fetchers: as served, with the content type whose listing served it. An entry
     * that is not a JSON object is kept whole under {@code entry}, to be dead-lettered by the fetcher like any other
     * reference it cannot use.
     */
    public Map<String, Object> listed(Object entry, String contentType) {
        Map<String, Object> reference = new LinkedHashMap<>();
        if (entry instanceof Map<?, ?> fields) {
            fields.forEach((key, value) -> reference.put(String.valueOf(key), value));
        } else {
            reference.put("entry", entry);
        }
        reference.put(LISTED_AS, contentType);
        return reference;
    }

    /** The content type a reference was listed for (the entry's own, for references listed before this field). */
    public String contentTypeOf(Map<String, Object> reference) {
        Object listed = reference.get(LISTED_AS);
        return listed instanceof String s ? s : String.valueOf(reference.get("contentType"));
    }

    /**
     * The key of a tenant's reference on the content-refs topic, which every tenant shares:
     * {@code <tenant id>|<contentId>}. A blob listed twice lands in the same partition, so the same fetcher.
     */
    public static String key(String tenantId, String contentId) {
        return tenantId + "|" + contentId;
    }

    /** The tenant id a reference's key names; null when the key is not a reference's. */
    public static String tenantIdOfKey(String key) {
        int bar = key == null ? -1 : key.indexOf('|');
        return bar <= 0 ? null : key.substring(0, bar);
    }

    /**
     * The reference's contentId as served; for an entry without a usable one, an id made from the entry itself
     * ({@code invalid-<hash>}), so that its dead letter is keyed and the same entry listed again counts as handled.
     */
    public String idOf(Map<String, Object> reference) {
        Object contentId = reference.get("contentId");
        if (contentId instanceof String id && !id.isBlank()) {
            return id;
        }
        Map<String, Object> entry = new TreeMap<>(reference);
        entry.remove(LISTED_AS);
        return "invalid-" + Integer.toHexString(entry.toString().hashCode());
    }

    /** Throws {@link InvalidReferenceException} for a reference that cannot be fetched as it is. */
    public void check(Map<String, Object> reference) {
        Object listed = reference.get(LISTED_AS);
        Object served = reference.get("contentType");
        Object contentId = reference.get("contentId");
        Object contentUri = reference.get("contentUri");
        if (!(contentId instanceof String id) || !CONTENT_ID.matcher(id).matches()) {
            throw new InvalidReferenceException(DeadLetterReason.INVALID_REFERENCE, "the listing entry's contentId "
                    + (contentId == null ? "is missing" : "'" + LogText.safe(String.valueOf(contentId))
                    + "' is not of the service's shape"));
        }
        if (!(contentUri instanceof String uri) || uri.isBlank()) {
            throw new InvalidReferenceException(DeadLetterReason.INVALID_REFERENCE, "the listing entry has no contentUri");
        }
        if (listed != null && !listed.equals(served)) {
            throw new InvalidReferenceException(DeadLetterReason.CONTENT_TYPE_MISMATCH, "listed as " + listed
                    + " but names content type '" + LogText.safe(String.valueOf(served)) + "'");
        }
    }
}
