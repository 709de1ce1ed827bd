package io.github.o365auditcamel.simulator;

import java.time.Instant;

/** A listing's startTime and endTime, parsed and valid, with the texts the request sent (for its NextPageUri). */
record ListingWindow(Instant start, Instant end, String startText, String endText) {
}
