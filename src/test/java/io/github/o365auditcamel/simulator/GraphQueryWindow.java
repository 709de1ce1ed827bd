package io.github.o365auditcamel.simulator;

import java.time.Instant;

/**
 * The filter window of a Microsoft Graph audit log query a tenant created ({@link SimulatedTenant#graphQueryWindows()}):
 * its {@code filterStartDateTime} (inclusive) and {@code filterEndDateTime} (exclusive).
 */
public record GraphQueryWindow(Instant start, Instant end) {
}
