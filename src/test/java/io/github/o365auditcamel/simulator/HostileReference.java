package io.github.o365auditcamel.simulator;

/**
 * A hostile listing entry the collector must survive (issue 19, "Hostile input"), added among good blobs with
 * {@link ManagementApiSimulator#addHostileReference} (or a tenant's {@link SimulatedTenant#addHostileReference}).
 * Each is one entry in the listing of the content type it was added to, with a realistic {@code contentId} (except
 * {@link #BAD_CONTENT_ID}), the given {@code contentCreated} and a {@code contentExpiration} like any blob's.
 *
 * <p>What the simulator counts: {@link ManagementApiSimulator#hostileRequestCount(String)} counts every authenticated
 * GET of the reference's URI (or, for {@link #MISSING_CONTENT_URI}, of the URI its contentId would have) that was not
 * answered by an injected {@code Faults} fault, whatever the answer; {@link ManagementApiSimulator#blobGetCount(String)}
 * counts only 200 answers, as for every blob, so it stays 0 for the kinds that never answer 200, which are also left
 * out of {@link ManagementApiSimulator#blobGetCounts()} (as foreign blobs are). Only {@link #HUGE_RECORD} has
 * deliverable records (its two normal ones); {@link ManagementApiSimulator#hostileReference(String)} names the
 * deliverable and the undeliverable record ids of each.
 *
 * <p>{@link ManagementApiSimulator#failBlob} and {@link ManagementApiSimulator#stallNext} do not apply to
 * {@link #REDIRECT} and {@link #BLANK_BOMB} (they are answered before either is looked at), nor to the two kinds that
 * answer 404; {@link #HUGE_RECORD} and {@link #WRONG_CONTENT_TYPE} are served like any normal blob (gzip when asked,
 * failures, stalls, expiry).
 */
public enum HostileReference {

    /**
     * The listing entry has no {@code contentUri} field at all; {@code contentType}, {@code contentId},
     * {@code contentCreated} and {@code contentExpiration} are there. A client must use the contentUri verbatim
     * (reference section 4): a GET of the URI its contentId would have ({@code .../activity/feed/audit/{contentId}})
     * answers 404 AF20050 (and counts in {@code hostileRequestCount}). No deliverable records.
     */
    MISSING_CONTENT_URI,

    /**
     * A normal-looking entry whose URI answers, every time, {@code 302 Found} with
     * {@code Location: http://169.254.169.254/latest/meta-data/} (the cloud metadata endpoint, {@link
     * HostileContent#REDIRECT_LOCATION}) and a small IIS-like "Object moved" HTML body. Never 200: not in
     * {@code blobGetCounts()}. No deliverable records.
     */
    REDIRECT,

    /**
     * A valid JSON array of 3 records whose middle one is {@link HostileContent#HUGE_RECORD_BYTES} (1.5 MiB) long: a
     * realistic record of the listed content type with one more {@code ExtendedProperties} entry
     * {@code {"Name":"Padding","Value":"<1.5 MiB of letters and digits>"}}, its own {@code "Id"}. The first and the
     * third are normal records, each with its own {@code "Id"}: they are deliverable (in
     * {@code recordsByContentType()}, {@code recordCount()}, {@code records(contentId)}, and the Blob's recordCount
     * is 2); the huge one is not ({@link HostileEntry#hugeRecordId()}), a collector is expected to dead-letter it.
     */
    HUGE_RECORD,

    /**
     * A body that inflates to {@link HostileContent#BLANK_BOMB_INFLATED_BYTES} bytes: {@code [}, 200 MiB of spaces,
     * {@code ]} (an empty array), always sent gzip-compressed ({@code Content-Encoding: gzip}, whatever the request's
     * Accept-Encoding), about 200 KB on the wire ({@link HostileContent#blankBombGzip()}, made once per JVM). A 200:
     * counts in {@code blobGetCount}. No records.
     */
    BLANK_BOMB,

    /**
     * An entry listed under content type A whose {@code contentType} field names another type B (by default the next
     * of Audit.AzureActiveDirectory, Audit.Exchange, Audit.SharePoint, Audit.General, wrapping around, so Exchange is
     * listed as SharePoint; DLP.All as Audit.General; or the one given to
     * {@link ManagementApiSimulator#addWrongContentTypeReference}). Its blob is a normal valid array of 5 records of
     * type B (served 200, counts in {@code blobGetCount}). A collector is expected to dead-letter the entry
     * ("content-type-mismatch"): none of its records are deliverable, under A or under B
     * ({@link HostileEntry#undeliverableRecordIds()} names them). The returned Blob's contentType is A, the type whose
     * listing holds it.
     */
    WRONG_CONTENT_TYPE,

    /**
     * An entry whose {@code contentId} is a realistic id followed by CR/LF and control characters
     * ({@link HostileContent#BAD_CONTENT_ID_TAIL}: {@code "\r\nFAKE LOG LINE level=ERROR\u0007\u001b[31m\t\u001b[0m"}),
     * properly JSON-escaped in the listing ({@code \r\n}, {@code \u0007}, ...). Its {@code contentUri} looks normal:
     * it ends with another realistic contentId ({@link HostileEntry#uriContentId()}) of a blob that does not exist, so
     * a GET of it answers 404 AF20050 (a GET of the bad contentId itself, percent-encoded, answers 400 AF20052); both
     * count in {@code hostileRequestCount}. No deliverable records.
     */
    BAD_CONTENT_ID;

    /** True for the kinds whose URI answers from a stored body or a redirect; false for those that answer 404. */
    boolean served() {
        return this != MISSING_CONTENT_URI && this != BAD_CONTENT_ID;
    }

    /** True for the kinds served exactly like a normal blob (their stored body, gzip when asked). */
    boolean plainBody() {
        return this == HUGE_RECORD || this == WRONG_CONTENT_TYPE;
    }
}
