package io.github.o365auditcamel.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import io.github.o365auditcamel.listing.CheckpointStore;
import io.github.o365auditcamel.listing.ListingWindow;
import org.junit.jupiter.api.Test;

class PollReportTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final CheckpointStore checkpoints = new CheckpointStore() {
        @Override
        public Optional<Instant> cursor(String contentType) {
            return Optional.of(NOW.minusSeconds(30));
        }

        @Override
        public void advance(String contentType, Instant to) {
        }
    };
    private final PollReport report = new PollReport(tenant -> checkpoints, tenant -> contentType -> null,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void whileCatchingUpABacklogEachWindowSaysHowFarBehindItIs() {
        report.cycleStarted("default", "Audit.Exchange");
        report.blobListed("default", "Audit.Exchange");
        ListingWindow dayOne = new ListingWindow(NOW.minus(Duration.ofDays(6)), NOW.minus(Duration.ofDays(5)));

        String line = report.windowCompleted("default", "Audit.Exchange", dayOne);

        assertEquals("Audit.Exchange: catching up, 120.0 h behind: listed up to 2026-11-20T12:00:00Z; 1 blobs"
                + " listed so far in this poll", line);
    }

    @Test
    void theLineAfterAPollSaysHowFreshWhatWasPublishedWas() {
        PollReport withFreshness = new PollReport(tenant -> checkpoints,
                tenant -> contentType -> "records p50 <= 15m, p99 <= 2h; blobs p50 <= 5m, p99 <= 1h",
                Clock.fixed(NOW, ZoneOffset.UTC));
        withFreshness.cycleStarted("default", "Audit.Exchange");

        String line = withFreshness.cycleCompleted("default", "Audit.Exchange");

        assertTrue(line.endsWith("; freshness records p50 <= 15m, p99 <= 2h; blobs p50 <= 5m, p99 <= 1h"), line);
    }

    @Test
    void aWindowThatReachesTheRecentPastSaysNothing() {
        assertNull(report.windowCompleted("default", "Audit.Exchange",
                new ListingWindow(NOW.minus(Duration.ofHours(2)), NOW.minusSeconds(5))));
    }

    @Test
    void theLineAfterAPollGivesCountsAndHowFarBehindTheCheckpointIs() {
        report.cycleStarted("default", "DLP.All");
        report.blobListed("default", "DLP.All");
        report.blobListed("default", "DLP.All");
        report.blobPublished("default", "DLP.All", 40, 2);
        report.blobDeadLettered("default", "DLP.All");

        String line = report.cycleCompleted("default", "DLP.All");

        assertTrue(line.startsWith("DLP.All: 2 blobs listed in 0.0 s; 1 blobs, 40 records published (2 copies served"
                + " twice dropped); 1 blobs dead-lettered, 0 gone or expired since the last poll; checkpoint"
                + " 2026-11-25T11:59:30Z (30 s behind)"), line);
        assertTrue(report.cycleCompleted("default", "DLP.All").contains("; 0 blobs, 0 records published since the last poll"),
                "the published counts start again after each line");
    }

    @Test
    void withSeveralTenantsALineNamesItsTenantAndCountsOnlyItsBlobs() {
        report.cycleStarted("contoso", "Audit.Exchange");
        report.blobListed("contoso", "Audit.Exchange");
        report.blobPublished("fabrikam", "Audit.Exchange", 7, 0);

        String line = report.cycleCompleted("contoso", "Audit.Exchange");

        assertTrue(line.startsWith("contoso Audit.Exchange: 1 blobs listed in 0.0 s; 0 blobs, 0 records published"),
                line);
        assertTrue(report.cycleCompleted("fabrikam", "Audit.Exchange").contains("1 blobs, 7 records published"));
    }
}
