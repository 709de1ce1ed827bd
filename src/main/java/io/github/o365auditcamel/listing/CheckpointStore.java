package io.github.o365auditcamel.listing;

import java.time.Instant;
import java.util.Optional;

/** Where each content type's listing cursor is kept: everything before it has been published. */
public interface CheckpointStore {

    Optional<Instant> cursor(String contentType);

    /** Moves the cursor forward to {@code to}; a cursor never moves back. */
    void advance(String contentType, Instant to);
}
