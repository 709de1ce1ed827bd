package io.github.o365auditcamel.simulator;

import io.github.o365auditcamel.simulator.ManagementApiSimulator.Blob;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.PoisonKind;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A blob as a tenant keeps it: the {@link Blob} it lists, the exact body served and where its deliverable records are
 * in it, and what makes it poison, foreign, hostile or expired.
 */
final class StoredBlob {

    static final Comparator<StoredBlob> BY_CREATED =
            Comparator.comparing(StoredBlob::created).thenComparing(StoredBlob::id);

    final Blob blob;
    final byte[] body;          // the exact body served (a JSON array for normal blobs)
    final int[] offsets;        // start,end pairs of each deliverable record inside body (none for poison/foreign)
    final String mediaType;     // Content-Type of a 200 answer
    final PoisonKind poison;    // non-null for addPoisonBlob
    final String foreignUri;    // non-null for addForeignBlob: listed contentUri, never served here
    final HostileEntry hostile; // non-null for addHostileReference
    volatile boolean expired;   // expireBlob
    private volatile byte[] gzipped;

    StoredBlob(Blob blob, byte[] body, int[] offsets) {
        this(blob, body, offsets, ApiResponses.JSON_UTF8, null, null);
    }

    StoredBlob(Blob blob, byte[] body, int[] offsets, String mediaType, PoisonKind poison, String foreignUri) {
        this(blob, body, offsets, mediaType, poison, foreignUri, null);
    }

    StoredBlob(Blob blob, byte[] body, int[] offsets, String mediaType, PoisonKind poison, String foreignUri,
               HostileEntry hostile) {
        this.blob = blob;
        this.body = body;
        this.offsets = offsets;
        this.mediaType = mediaType;
        this.poison = poison;
        this.foreignUri = foreignUri;
        this.hostile = hostile;
    }

    /**
     * A normal blob (or a HUGE_RECORD reference: its offsets name only its normal records) not expired by
     * expireBlob: its records count in recordsByContentType/recordCount.
     */
    boolean deliverable() {
        return poison == null && foreignUri == null && !expired
                && (hostile == null || hostile.kind() == HostileReference.HUGE_RECORD);
    }

    /**
     * Its records are in the tenant's unified audit log (what Microsoft Graph's audit log queries search): a normal
     * blob, expired or not, or a HUGE_RECORD reference (its offsets name only its normal records).
     */
    boolean inAuditLog() {
        return poison == null && foreignUri == null
                && (hostile == null || hostile.kind() == HostileReference.HUGE_RECORD);
    }

    /** Served here from its stored body like any blob (gzip when asked, failures, stalls): not foreign, not hostile. */
    boolean plainBody() {
        return foreignUri == null && (hostile == null || hostile.kind().plainBody());
    }

    Instant created() {
        return blob.contentCreated();
    }

    String id() {
        return blob.contentId();
    }

    List<String> records() {
        List<String> out = new ArrayList<>(offsets.length / 2);
        for (int i = 0; i < offsets.length; i += 2) {
            out.add(new String(body, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The bytes of a 200 answer for this blob: its body, gzip-compressed (computed once, then cached) if gzip. */
    byte[] payload(boolean gzip) {
        if (!gzip) {
            return body;
        }
        byte[] z = gzipped;
        if (z == null) {
            z = ApiResponses.gzip(body);
            gzipped = z;
        }
        return z;
    }
}
