package io.github.o365auditcamel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReplayTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:15:00Z");
    private static final Instant FROM = NOW.minus(Duration.ofDays(11));
    private static final Instant API_FROM = NOW.minus(Duration.ofDays(7)).plus(Duration.ofHours(1));

    @Test
    void aRequestAndItsProgressAreKeptInTheStateTopicAndReadBackUnchanged() {
        Replay asked = Replay.requested("r-20261207-081500-3fa2", List.of("Audit.Exchange", "DLP.All"), FROM,
                NOW.minus(Duration.ofDays(1)), "replay.incident-42", NOW);
        assertFalse(asked.finished());
        assertEquals(asked, Replay.parse(asked.toJson()));

        Replay.Progress start = new Replay.Progress(API_FROM, FROM, API_FROM, List.of(), 0);
        Replay going = asked.with("Audit.Exchange", start.graphUpTo(FROM.plus(Duration.ofDays(1)), 40)
                .blobHandled("blob-1", 6).blobHandled("blob-2", 0));
        assertEquals(46, going.records());
        assertEquals(going, Replay.parse(going.toJson()));
        assertEquals(List.of(), going.progress().get("Audit.Exchange").listedUpTo(API_FROM.plusSeconds(3600))
                .blobs(), "an hour listed: its blobs need not be remembered");

        Replay toTopics = Replay.requested("r-1", List.of("Audit.General"), FROM, NOW, null, NOW);
        assertNull(Replay.parse(toTopics.toJson()).topic(), "no topic named: the record topics");
        assertNull(Replay.parse("{}"), "a value another version wrote is ignored");
    }

    @Test
    void progressOnlyMovesForwardAndAnEndedReplayStaysEnded() {
        Replay asked = Replay.requested("r-1", List.of("Audit.Exchange"), FROM, NOW, null, NOW);
        Replay.Progress start = new Replay.Progress(API_FROM, FROM, API_FROM, List.of(), 0);
        Replay oneBlob = asked.with("Audit.Exchange", start.blobHandled("blob-1", 6));
        Replay oneHour = asked.with("Audit.Exchange", start.blobHandled("blob-1", 6).listedUpTo(
                API_FROM.plusSeconds(3600)));
        Replay graph = asked.with("Audit.Exchange", start.graphUpTo(FROM.plusSeconds(60), 3));

        assertTrue(oneBlob.advance() > asked.with("Audit.Exchange", start).advance());
        assertTrue(oneHour.advance() > oneBlob.advance(), "the hour listed, though its blob list is emptied");
        assertTrue(graph.advance() > asked.with("Audit.Exchange", start).advance());
        assertTrue(oneBlob.ended(Replay.CANCELLED).advance() > oneHour.advance());
        assertTrue(oneBlob.ended(Replay.DONE).finished());
    }
}
