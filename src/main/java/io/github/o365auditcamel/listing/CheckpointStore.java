package io.github.o365auditcamel.listing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.github.o365auditcamel.state.Gap;

/**
 * Where each content type's listing cursor is kept: everything before it has been published. Also the gaps older than
 * the service keeps content, when they are repaired through Microsoft Graph.
 */
public interface CheckpointStore {

    Optional<Instant> cursor(String contentType);

    /** Moves the cursor forward to {@code to}; a cursor never moves back. */
    void advance(String contentType, Instant to);

    /** The gaps of the content type found so far, repaired or not. */
    default List<Gap> gaps(String contentType) {
        return List.of();
    }

    /** Records a gap just found, for Microsoft Graph to repair. */
    default void recordGap(Gap gap) {
        throw new UnsupportedOperationException("this checkpoint store keeps no gaps");
    }

    /** When the tenant's content was last marked published (or its cursor moved), as far as this store knows. */
    default Optional<Instant> lastMarked() {
        return Optional.empty();
    }
}
