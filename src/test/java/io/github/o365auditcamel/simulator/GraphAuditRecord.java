package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.o365auditcamel.fetch.RecordTypes;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One record of the unified audit log as Microsoft Graph's audit log query serves it (an {@code auditLogRecord}),
 * made from the record as the Management Activity API serves it in a blob: {@code id} its Id, {@code createdDateTime}
 * its CreationTime in UTC, {@code auditLogRecordType} the lowerCamel name of its RecordType ({@link #recordTypeName}),
 * {@code operation}, {@code organizationId}, {@code userPrincipalName} and {@code userId} its UserId,
 * {@code userType} Graph's name of its UserType, {@code service} its Workload, {@code objectId} and
 * {@code clientIp} its ObjectId and ClientIP (null when it has none), no {@code administrativeUnits}, and as
 * {@code auditData} the record itself, byte for byte, with {@code "@odata.type":"#microsoft.graph.security.defaultAuditData"}
 * put first.
 *
 * @param id          the record's Id
 * @param created     its CreationTime (UTC)
 * @param recordType  its {@code auditLogRecordType}, what a query's {@code recordTypeFilters} name
 * @param service     its Workload, what a query's {@code serviceFilters} name; null when it has none
 * @param json        the rendered auditLogRecord
 */
record GraphAuditRecord(String id, Instant created, String recordType, String service, String json) {

    /** The order a query returns its records in: CreationTime, then Id. */
    static final Comparator<GraphAuditRecord> BY_CREATED =
            Comparator.comparing(GraphAuditRecord::created).thenComparing(GraphAuditRecord::id);

    /** Graph's name of a record type it has no name for. */
    static final String UNKNOWN = "unknownFutureValue";

    /** The record types a query may filter on: the lowerCamel name of every type of {@link RecordTypes}. */
    static final Set<String> RECORD_TYPE_NAMES = recordTypeNames();

    /** Graph's names of the Management API's UserType numbers (auditLogUserType), 0 to 10. */
    private static final List<String> USER_TYPES = List.of("regular", "reserved", "admin", "dcAdmin", "system",
            "application", "servicePrincipal", "customPolicy", "systemPolicy", "partnerTechnician", "guest");

    /**
     * The auditLogRecord of a record served in a blob (its compact JSON, exactly as served); null for a record without
     * an Id or a readable CreationTime, which no query returns.
     */
    static GraphAuditRecord of(String managementRecord, ObjectMapper mapper) {
        JsonNode r;
        try {
            r = mapper.readTree(managementRecord);
        } catch (IOException e) {
            return null;
        }
        String id = text(r, "Id");
        Instant created = creationTime(text(r, "CreationTime"));
        if (id == null || created == null || !managementRecord.startsWith("{")) {
            return null;
        }
        String recordType = recordTypeName(r.path("RecordType").asInt(-1));
        String service = text(r, "Workload");
        StringWriter out = new StringWriter(managementRecord.length() + 512);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("createdDateTime", created.toString());
            g.writeStringField("auditLogRecordType", recordType);
            g.writeStringField("operation", text(r, "Operation"));
            g.writeStringField("organizationId", text(r, "OrganizationId"));
            g.writeStringField("userPrincipalName", text(r, "UserId"));
            g.writeStringField("userId", text(r, "UserId"));
            g.writeStringField("userType", userTypeName(r.path("UserType")));
            g.writeStringField("service", service);
            g.writeStringField("objectId", text(r, "ObjectId"));
            g.writeStringField("clientIp", text(r, "ClientIP"));
            g.writeArrayFieldStart("administrativeUnits");
            g.writeEndArray();
            g.writeFieldName("auditData");
            String rest = managementRecord.substring(1).trim();
            g.writeRawValue("{\"@odata.type\":\"#microsoft.graph.security.defaultAuditData\""
                    + (rest.equals("}") ? "" : ",") + rest);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GraphAuditRecord(id, created, recordType, service, out.toString());
    }

    /**
     * Graph's name of a RecordType number: the member name from {@link RecordTypes} in lowerCamel case, as Graph's
     * auditLogRecordType enum spells it ({@code 2}: {@code exchangeItem}, {@code 11}: {@code complianceDLPSharePoint},
     * inner acronyms stay; a leading acronym is lowered whole: {@code CRM} {@code crm}, {@code MIPLabel} {@code mipLabel},
     * {@code MS365DCustomDetection} {@code ms365DCustomDetection}); {@link #UNKNOWN} for a number the table lacks.
     */
    static String recordTypeName(int recordType) {
        String name = RecordTypes.nameOf(recordType);
        return name == null ? UNKNOWN : lowerCamel(name);
    }

    /** A PascalCase name in lowerCamel case, a leading run of capitals (an acronym) lowered but for a word's first. */
    static String lowerCamel(String name) {
        int capitals = 0;
        while (capitals < name.length() && Character.isUpperCase(name.charAt(capitals))) {
            capitals++;
        }
        int lowered = capitals > 1 && capitals < name.length() && Character.isLowerCase(name.charAt(capitals))
                ? capitals - 1 : capitals;
        return name.substring(0, lowered).toLowerCase(Locale.ROOT) + name.substring(lowered);
    }

    private static Set<String> recordTypeNames() {
        Set<String> names = new HashSet<>();
        for (int n = 0; n <= RecordTypes.highest(); n++) {
            if (RecordTypes.nameOf(n) != null) {
                names.add(recordTypeName(n));
            }
        }
        names.add(UNKNOWN);
        return Set.copyOf(names);
    }

    private static String userTypeName(JsonNode userType) {
        int n = userType.asInt(-1);
        return userType.isInt() && n >= 0 && n < USER_TYPES.size() ? USER_TYPES.get(n) : UNKNOWN;
    }

    /** A CreationTime ({@code 2026-11-10T07:26:02}, UTC, maybe with fractions or a Z) as an instant; null if unreadable. */
    private static Instant creationTime(String text) {
        if (text == null) {
            return null;
        }
        try {
            String local = text.endsWith("Z") ? text.substring(0, text.length() - 1) : text;
            return LocalDateTime.parse(local).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A field's text, or null when the record lacks it or it is JSON null. */
    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
