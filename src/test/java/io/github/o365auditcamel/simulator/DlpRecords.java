package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.hex;
import static io.github.o365auditcamel.simulator.RandomValues.pick;
import static io.github.o365auditcamel.simulator.RandomValues.uuid;
import static io.github.o365auditcamel.simulator.RecordVocabulary.FILES;
import static io.github.o365auditcamel.simulator.RecordVocabulary.SITES;
import static io.github.o365auditcamel.simulator.RecordVocabulary.SUBJECTS;

/**
 * Generates DLP.All records: DlpRuleMatch of a mail or a SharePoint file (padded with sensitive-information
 * detections), and lists the sensitive information types they use. Not thread-safe.
 */
final class DlpRecords {

    /** Sensitive information types used in DLP records (the GUIDs of the first two are Microsoft's well-known ones). */
    private static final List<String[]> SENSITIVE_TYPES = List.of(
            new String[] {"50842eb7-edc8-4019-85dd-5a5c1f2bb085", "Credit Card Number"},
            new String[] {"a44669fe-0d48-453d-a9b1-2cc83f2cba77", "U.S. Social Security Number (SSN)"},
            new String[] {"e7dc4711-11b7-4cb0-b88b-2c394a771f0e", "International Banking Account Number (IBAN)"},
            new String[] {"0e9b3178-9678-47dd-a509-37222ca96b42", "EU Debit Card Number"},
            new String[] {"7a2b4c3d-9e1f-4a60-8b72-c3d4e5f60718", "Germany Passport Number"},
            new String[] {"1b8e0c5d-2f3a-4b6c-9d7e-8f9a0b1c2d3e", "France National ID Card (CNI)"},
            new String[] {"c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", "ABA Routing Number"});

    private final TenantDirectory tenant;
    private final RecordFields fields;

    DlpRecords(TenantDirectory tenant, RecordFields fields) {
        this.tenant = tenant;
        this.fields = fields;
    }

    /** A DlpRuleMatch record of a mail (60 %) or a SharePoint file. */
    ObjectNode create(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        boolean exchange = rnd.nextInt(10) < 6;
        ObjectNode r = fields.common(rnd, time, "DlpRuleMatch", exchange ? 13 : 11, null, "DlpAgent", 4,
                exchange ? "Exchange" : "SharePoint");
        String messageId = "<CY4PR01MB" + (1000 + rnd.nextInt(9000)) + hex(rnd, 6).toUpperCase(Locale.ROOT)
                + "@CY4PR01MB0001.namprd01.prod.outlook.com>";
        String file = FILES[rnd.nextInt(FILES.length)];
        String siteUrl = "https://" + tenant.orgPrefix() + ".sharepoint.com/sites/"
                + SITES[rnd.nextInt(SITES.length)].replace(' ', '-') + "/";
        r.put("ObjectId", exchange ? messageId : siteUrl + "Shared Documents/" + file);
        r.put("UserId", p.upn());
        r.put("IncidentId", uuid(rnd));
        r.put("SensitiveInfoDetectionIsIncluded", false);
        if (exchange) {
            ObjectNode md = r.putObject("ExchangeMetaData");
            md.putArray("BCC");
            md.putArray("CC");
            md.put("FileSize", 1000 + rnd.nextInt(100000));
            md.put("From", p.upn());
            md.put("MessageID", messageId);
            md.put("RecipientCount", 1);
            md.put("Sent", time);
            md.put("Subject", SUBJECTS[rnd.nextInt(SUBJECTS.length)]);
            md.putArray("To").add(pick(rnd, "someone@example.org", "partner@example.net", "einkauf@example.com"));
            md.put("UniqueID", uuid(rnd));
        } else {
            ObjectNode md = r.putObject("SharePointMetaData");
            md.put("From", p.upn());
            md.put("itemCreationTime", time);
            md.put("SiteCollectionGuid", uuid(rnd));
            md.put("SiteCollectionUrl", siteUrl);
            md.put("FileName", file);
            md.put("FileOwner", p.displayName());
            md.put("FilePathUrl", siteUrl + "Shared Documents/" + file);
            md.put("DocumentLastModifier", p.upn());
            md.put("DocumentSharer", p.upn());
            md.put("UniqueID", uuid(rnd));
            md.put("LastModifiedTime", time);
            md.put("IsViewableByExternalUsers", rnd.nextBoolean());
            md.put("IsVisibleOnlyToOdbOwner", false);
            md.put("FileSize", 1000 + rnd.nextInt(1000000));
        }
        ArrayNode policies = r.putArray("PolicyDetails");
        ObjectNode policy = policies.addObject();
        policy.put("PolicyId", uuid(rnd));
        policy.put("PolicyName", pick(rnd, "U.S. Financial Data", "Données personnelles (RGPD)", "Zahlungsdaten"));
        ObjectNode rule = policy.putArray("Rules").addObject();
        rule.putArray("Actions").add(pick(rnd, "NotifyUser", "BlockAccess", "GenerateIncidentReport"));
        ObjectNode cond = rule.putObject("ConditionsMatched");
        cond.put("ConditionMatchedInNewScheme", true);
        ArrayNode sensitive = cond.putArray("SensitiveInformation");
        int start = rnd.nextInt(SENSITIVE_TYPES.size());
        sensitive.add(sensitiveInfo(rnd, SENSITIVE_TYPES.get(start)));
        rule.put("ManagementRuleId", uuid(rnd));
        rule.put("RuleId", uuid(rnd));
        rule.put("RuleMode", "Enable");
        rule.put("RuleName", pick(rnd, "Low volume of content detected", "High volume of content detected"));
        rule.put("Severity", pick(rnd, "Low", "Medium", "High"));
        int[] i = {start};
        fields.pad(r, target, () -> fields.add(sensitive,
                sensitiveInfo(rnd, SENSITIVE_TYPES.get(++i[0] % SENSITIVE_TYPES.size()))));
        return r;
    }

    private ObjectNode sensitiveInfo(Random rnd, String[] type) {
        int confidence = pick(rnd, 65, 75, 85);
        int count = 1 + rnd.nextInt(20);
        ObjectNode s = fields.object();
        s.put("ClassifierType", "Content");
        s.put("Confidence", confidence);
        s.put("Count", count);
        s.put("Location", pick(rnd, "Body", "Attachment", "Content"));
        ObjectNode attr = s.putArray("SensitiveInformationDetailedClassificationAttributes").addObject();
        attr.put("Confidence", confidence);
        attr.put("Count", count);
        attr.put("IsMatch", true);
        s.put("SensitiveInformationTypeName", type[1]);
        s.put("SensitiveType", type[0]);
        s.put("UniqueCount", Math.max(1, count - rnd.nextInt(count)));
        return s;
    }

    /** The sensitive information types as the API's {@code resources/dlpSensitiveTypes} answers them (JSON). */
    static String sensitiveTypesJson() {
        StringBuilder sb = new StringBuilder("[");
        for (String[] t : SENSITIVE_TYPES) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"id\":\"").append(t[0]).append("\",\"name\":\"").append(t[1].replace("\"", "\\\""))
                    .append("\"}");
        }
        return sb.append(']').toString();
    }
}
