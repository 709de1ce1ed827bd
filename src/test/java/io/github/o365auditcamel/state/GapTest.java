package io.github.o365auditcamel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

class GapTest {

    private static final Instant FROM = Instant.parse("2026-11-10T06:30:00Z");
    private static final Instant TO = Instant.parse("2026-11-30T07:00:00Z");
    private static final Instant STOPPED = Instant.parse("2026-11-11T06:35:00Z");

    @Test
    void aGapOwnsTheRecordsCreatedFromItsStartToJustBeforeItsEndAsTheServiceWritesCreationTime() {
        Gap gap = Gap.found("Audit.Exchange", FROM, TO, STOPPED);

        assertTrue(gap.owns("2026-11-10T06:30:00"));
        assertTrue(gap.owns("2026-11-20T00:00:00.123"));
        assertTrue(gap.owns("2026-11-30T06:59:59Z"));
        assertFalse(gap.owns("2026-11-10T06:29:59"));
        assertFalse(gap.owns("2026-11-30T07:00:00"));
        assertFalse(gap.owns(null), "a record without CreationTime is the blob's");
        assertFalse(gap.owns("2026-11-20"), "nor one whose CreationTime is not a time");
    }

    @Test
    void severalGapsAreAskedWithTheirBoundsFormattedOnce() {
        Gap older = Gap.found("Audit.Exchange", FROM, FROM.plusSeconds(3600), STOPPED);
        Gap newer = Gap.found("Audit.Exchange", TO.minusSeconds(3600), TO, STOPPED);
        Predicate<String> owner = Gap.owner(List.of(older, newer));

        assertTrue(owner.test("2026-11-10T07:00:00".replace("07:00:00", "06:45:00")));
        assertTrue(owner.test("2026-11-30T06:15:00"));
        assertFalse(owner.test("2026-11-20T00:00:00"), "between the two gaps: the blobs' own");
        assertFalse(Gap.owner(List.of()).test("2026-11-20T00:00:00"));
    }

    @Test
    void progressIsKeptInTheStateTopicAsJsonAndReadBackUnchanged() {
        Gap found = Gap.found("DLP.All", FROM.plusMillis(700), TO, STOPPED);
        assertEquals(FROM, found.from(), "bounds to the second, as CreationTime is served");
        assertEquals(found.from(), found.repairedTo());
        assertFalse(found.repaired());

        Gap halfway = found.repairedTo(Instant.parse("2026-11-20T00:00:00Z"), 1234).repairedTo(
                Instant.parse("2026-11-21T00:00:00Z"), 66);
        assertEquals(1300, halfway.records());
        assertEquals(halfway, Gap.parse(halfway.toJson()));
        assertEquals("DLP.All@2026-11-10T06:30:00Z", halfway.keySuffix());
        assertTrue(halfway.repairedTo(TO, 0).repaired());
        assertNull(Gap.parse("not json"), "a value another version wrote is ignored, not fatal");
    }
}
