package io.github.o365auditcamel.fetch;

/**
 * Why a blob or a record went to the dead-letter topic: the {@code reasonCode} of its dead letter and its
 * {@code o365.reasonCode} header. The table of dead letters in docs/operations.md lists every one (a test checks it does).
 */
public enum DeadLetterReason {
    /** A listing entry without a contentUri, or with a contentId not of the service's shape. */
    INVALID_REFERENCE("invalid-reference"),
    /** A listing entry naming another content type than the listing it came in. */
    CONTENT_TYPE_MISMATCH("content-type-mismatch"),
    /** A contentUri on another scheme, host or port than the API's: the token is never sent there. */
    FOREIGN_URI("foreign-uri"),
    /** The blob's URI answered a redirect, which is never followed. */
    REDIRECT("redirect"),
    /** Not a JSON array, truncated, a record without Id, padding between records, larger than O365_MAX_BLOB_BYTES. */
    MALFORMED_CONTENT("malformed-content"),
    /** The service refuses the blob (AF20052, or a refusal such as a permission withdrawn: then retried). */
    REFUSED_BY_SERVICE("refused-by-service"),
    /** One record longer than O365_MAX_RECORD_BYTES (or than the topic allows): its reference alone. */
    RECORD_TOO_LARGE("record-too-large"),
    /** Throttling, 408, 5xx, a broken connection or a timeout that outlasted the API retries. */
    TRANSIENT("transient"),
    /** A content reference of a tenant this instance does not collect: fetched when the tenant is configured again. */
    UNKNOWN_TENANT("unknown-tenant"),
    /** A failure nobody foresaw; its class and message are in the reason. */
    UNEXPECTED("unexpected");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** As written in the dead letter: {@code invalid-reference}, ... */
    public String code() {
        return code;
    }
}
