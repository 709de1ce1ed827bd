package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

/**
 * Builds synthetic but realistic audit records (shapes of the reference, section 8.4) and renders each one as
 * compact UTF-8 JSON exactly once: picks the creation time and hands the record to the generator of its content type
 * ({@link AzureActiveDirectoryRecords}, {@link ExchangeRecords}, {@link SharePointRecords}, {@link GeneralRecords},
 * {@link DlpRecords}).
 *
 * <p>All values are invented: people of a fictional tenant ({@link TenantDirectory}), documentation IP ranges
 * (RFC 5737 / RFC 3849). Some values carry non-ASCII text (display names, file names, team names, subjects) and every
 * record has nested arrays/objects. Records are padded to an approximate target size by appending further realistic
 * elements to a record-specific array (mail items, parameters, modified properties, sensitive-information
 * detections, ...).
 *
 * <p>Not thread-safe: the caller serialises access (and supplies the {@link Random}).
 */
final class RecordFactory {

    static final String AAD = "Audit.AzureActiveDirectory";
    static final String EXCHANGE = "Audit.Exchange";
    static final String SHAREPOINT = "Audit.SharePoint";
    static final String GENERAL = "Audit.General";
    static final String DLP = "DLP.All";

    private static final DateTimeFormatter ZONELESS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final RecordFields fields;
    private final AzureActiveDirectoryRecords aad;
    private final ExchangeRecords exchange;
    private final SharePointRecords sharePoint;
    private final GeneralRecords general;
    private final DlpRecords dlp;

    RecordFactory(String tenantId, String tenantDomain, Random rnd) {
        TenantDirectory tenant = new TenantDirectory(tenantId, tenantDomain, rnd);
        this.fields = new RecordFields(tenantId);
        this.aad = new AzureActiveDirectoryRecords(tenant, fields);
        this.exchange = new ExchangeRecords(tenant, fields);
        this.sharePoint = new SharePointRecords(tenant, fields);
        this.general = new GeneralRecords(tenant, fields);
        this.dlp = new DlpRecords(tenant, fields);
    }

    /** Target size for one record: mostly 0.67-1.13 x nominal, sometimes (10 %) 1.3-2.0 x nominal. */
    static int targetSize(Random rnd, int nominal) {
        double f = rnd.nextInt(10) == 0 ? 1.3 + 0.7 * rnd.nextDouble() : 0.67 + 0.46 * rnd.nextDouble();
        return (int) (nominal * f);
    }

    /** Renders one record of the given content type; its CreationTime lies strictly before {@code notAfter}. */
    byte[] create(String contentType, Random rnd, Instant notAfter, int targetSize) {
        Instant created = notAfter.minusSeconds(1 + rnd.nextInt(2 * 3600));
        String creationTime = ZONELESS.format(created);
        ObjectNode rec = switch (contentType) {
            case AAD -> aad.create(rnd, creationTime, targetSize);
            case EXCHANGE -> exchange.create(rnd, creationTime, targetSize);
            case SHAREPOINT -> sharePoint.create(rnd, creationTime, targetSize);
            case GENERAL -> general.create(rnd, creationTime, targetSize);
            case DLP -> dlp.create(rnd, creationTime, targetSize);
            default -> throw new IllegalArgumentException("unknown content type " + contentType);
        };
        return fields.bytes(rec);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
