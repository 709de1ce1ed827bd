package io.github.o365auditcamel.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.o365auditcamel.fetch.RecordTypes;

/**
 * Which content type of the Management Activity API serves a record type, so that a record found through Microsoft
 * Graph goes to the topic its blob would have sent it to. Microsoft documents the content types by workload: DLP.All
 * holds the data loss prevention events of every workload, Audit.AzureActiveDirectory, Audit.Exchange and
 * Audit.SharePoint (OneDrive included) their workloads' other events, and Audit.General everything else. The record
 * type's name (Microsoft's {@code AuditLogRecordType}, {@code record-types.properties}) says which: a name with
 * {@code Dlp} in it is DLP's, then the workload prefix decides. A record type the table does not know is
 * Audit.General's.
 */
public final class RecordContentTypes {

    static final String DLP = "DLP.All";
    static final String GENERAL = "Audit.General";

    private RecordContentTypes() {
    }

    /** The content type that serves records of the type. */
    public static String of(int recordType) {
        String name = RecordTypes.nameOf(recordType);
        return name == null ? GENERAL : ofName(name);
    }

    static String ofName(String name) {
        if (name.toLowerCase(Locale.ROOT).contains("dlp")) {
            return DLP;
        }
        if (name.startsWith("AzureActiveDirectory")) {
            return "Audit.AzureActiveDirectory";
        }
        if (name.startsWith("Exchange")) {
            return "Audit.Exchange";
        }
        if (name.startsWith("SharePoint") || name.startsWith("OneDrive")) {
            return "Audit.SharePoint";
        }
        return GENERAL;
    }

    /**
     * A record type as Graph's {@code auditLogRecordType} spells it: lower camel case, a leading acronym lowered whole
     * ({@code ExchangeItem} is {@code exchangeItem}, {@code DLPEndpoint} {@code dlpEndpoint}, {@code CRM} {@code crm}).
     */
    static String graphName(String name) {
        int capitals = 0;
        while (capitals < name.length() && Character.isUpperCase(name.charAt(capitals))) {
            capitals++;
        }
        if (capitals <= 1 || capitals == name.length()) {
            int lowered = Math.max(capitals, 1);
            return name.substring(0, lowered).toLowerCase(Locale.ROOT) + name.substring(lowered);
        }
        // the last capital of the run starts the next word
        return name.substring(0, capitals - 1).toLowerCase(Locale.ROOT) + name.substring(capitals - 1);
    }

    /**
     * Graph's {@code recordTypeFilters} for a content type: the names of its record types as Graph spells them
     * ({@code exchangeItem}); empty for Audit.General, whose query asks for every type, so that a type newer than the
     * table is not missed (the records of other content types are then left out one by one).
     */
    public static List<String> graphFilters(String contentType) {
        List<String> filters = new ArrayList<>();
        if (contentType.equals(GENERAL)) {
            return filters;
        }
        for (int type = 0; type <= RecordTypes.highest(); type++) {
            String name = RecordTypes.nameOf(type);
            if (name != null && ofName(name).equals(contentType)) {
                filters.add(graphName(name));
            }
        }
        return filters;
    }
}
