package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a listing entry says, the fetchers get one answer about it: usable, with the content type the listing
 * asked for, or an {@link InvalidReferenceException} with its reason code (one dead letter). Never another failure,
 * and never a content type, topic or metric label taken from the entry.
 */
class ListingEntryProperties {

    private static final String LISTED = "Audit.Exchange";
    private final ContentReferences references = new ContentReferences();

    @Property(tries = 1000)
    void everyEntryIsUsableOrOneInvalidReference(@ForAll("entries") Object entry) {
        Map<String, Object> reference = references.listed(entry, LISTED);
        String id = references.idOf(reference);

        assertNotNull(id);
        assertFalse(id.isBlank());
        assertEquals(LISTED, references.contentTypeOf(reference), "the topic is the one asked for");
        try {
            references.check(reference);
            assertTrue(entry instanceof Map<?, ?>, "only an object can be a reference");
            assertEquals(LISTED, ((Map<?, ?>) entry).get("contentType"));
            assertTrue(((Map<?, ?>) entry).get("contentUri") instanceof String);
            assertFalse(id.contains("\n") || id.contains("\r"), "a usable contentId has no line breaks");
        } catch (InvalidReferenceException invalid) {
            assertTrue(invalid.reason() == DeadLetterReason.INVALID_REFERENCE
                    || invalid.reason() == DeadLetterReason.CONTENT_TYPE_MISMATCH, invalid.reason().toString());
            assertFalse(invalid.getMessage().contains("\n") || invalid.getMessage().contains("\r"),
                    "the reason is one line: " + invalid.getMessage());
        }
    }

    @Provide
    Arbitrary<Object> entries() {
        Arbitrary<Object> anything = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(30).map(s -> s),
                Arbitraries.integers().map(i -> i), Arbitraries.just(null), Arbitraries.just(List.of(1, 2)),
                Arbitraries.just(Map.of("nested", true)));
        Arbitrary<Object> contentId = Arbitraries.oneOf(anything,
                Arbitraries.just("20261206074832071144651$20261206074832071144651$audit_exchange$Audit_Exchange$emea0036"),
                Arbitraries.just("abc\r\nFAKE LOG LINE\u0007"), Arbitraries.strings().withCharRange('!', '~')
                        .ofMinLength(1).ofMaxLength(600).map(s -> s));
        Arbitrary<Object> contentType = Arbitraries.oneOf(anything, Arbitraries.of(LISTED, "Audit.SharePoint",
                "audit.exchange", "o365-audit-camel.state", "../../etc").map(s -> s));
        Arbitrary<Object> contentUri = Arbitraries.oneOf(anything,
                Arbitraries.just("https://manage.office.com/api/v1.0/t/activity/feed/audit/x"));
        Arbitrary<Object> object = net.jqwik.api.Combinators.combine(contentId, contentType, contentUri,
                Arbitraries.integers().between(0, 7)).as((id, type, uri, present) -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    if ((present & 1) != 0) {
                        entry.put("contentId", id);
                    }
                    if ((present & 2) != 0) {
                        entry.put("contentType", type);
                    }
                    if ((present & 4) != 0) {
                        entry.put("contentUri", uri);
                    }
                    entry.put("contentCreated", "2026-12-06T07:48:32.071Z");
                    return entry;
                });
        return Arbitraries.oneOf(object, object, object, anything);
    }
}
