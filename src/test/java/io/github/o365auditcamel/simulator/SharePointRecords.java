package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.hex;
import static io.github.o365auditcamel.simulator.RandomValues.ip;
import static io.github.o365auditcamel.simulator.RandomValues.pick;
import static io.github.o365auditcamel.simulator.RandomValues.uuid;
import static io.github.o365auditcamel.simulator.RecordVocabulary.FILES;
import static io.github.o365auditcamel.simulator.RecordVocabulary.SITES;
import static io.github.o365auditcamel.simulator.RecordVocabulary.USER_AGENTS;

/**
 * Generates Audit.SharePoint records: file operations and sharing on SharePoint sites and OneDrive (large ones
 * are FileModified, padded with modified properties). Not thread-safe.
 */
final class SharePointRecords {

    private static final String[] FOLDERS = {
        "Projects", "2025", "Finance", "Ventes – Europe", "Verträge", "Archive", "Shared", "Q3", "Clients",
        "Öffentlich"};

    private final TenantDirectory tenant;
    private final RecordFields fields;

    SharePointRecords(TenantDirectory tenant, RecordFields fields) {
        this.tenant = tenant;
        this.fields = fields;
    }

    /** A file operation or sharing record of a SharePoint site or a OneDrive. */
    ObjectNode create(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        String ip = ip(rnd);
        boolean oneDrive = rnd.nextInt(5) == 0;
        String op;
        if (target > 1400 && rnd.nextInt(3) > 0) {
            op = "FileModified";
        } else {
            op = pick(rnd, "FileAccessed", "FileAccessed", "FileDownloaded", "FilePreviewed", "SharingSet");
        }
        int recordType = op.equals("SharingSet") ? 14 : oneDrive ? 7 : 6;
        String site = SITES[rnd.nextInt(SITES.length)];
        String siteUrl = oneDrive
                ? "https://" + tenant.orgPrefix() + "-my.sharepoint.com/personal/"
                        + p.upn().replace('.', '_').replace('@', '_') + "/"
                : "https://" + tenant.orgPrefix() + ".sharepoint.com/sites/" + site.replace(' ', '-') + "/";
        StringBuilder rel = new StringBuilder(oneDrive ? "Documents" : "Shared Documents");
        for (int i = rnd.nextInt(4); i > 0; i--) {
            rel.append('/').append(FOLDERS[rnd.nextInt(FOLDERS.length)]);
        }
        String file = FILES[rnd.nextInt(FILES.length)];
        String ext = file.substring(file.lastIndexOf('.') + 1);
        ObjectNode r = fields.common(rnd, time, op, recordType, null,
                "i:0h.f|membership|" + p.puid().toLowerCase(Locale.ROOT) + "@live.com", 0,
                oneDrive ? "OneDrive" : "SharePoint");
        r.put("ClientIP", ip);
        r.put("ObjectId", siteUrl + rel + "/" + file);
        r.put("UserId", p.upn());
        r.put("CorrelationId", uuid(rnd));
        r.put("EventSource", "SharePoint");
        r.put("ItemType", "File");
        r.put("ListId", uuid(rnd));
        r.put("ListItemUniqueId", uuid(rnd));
        r.put("Site", uuid(rnd));
        r.put("UserAgent", USER_AGENTS[rnd.nextInt(USER_AGENTS.length)]);
        r.put("WebId", uuid(rnd));
        r.put("HighPriorityMediaProcessing", false);
        r.put("SourceFileExtension", ext);
        r.put("SiteUrl", siteUrl);
        r.put("SourceFileName", file);
        r.put("SourceRelativeUrl", rel.toString());
        if (op.equals("SharingSet")) {
            DirectoryPerson guest = tenant.person(rnd);
            r.put("TargetUserOrGroupName", guest.upn().replace('@', '_') + "#ext#@" + tenant.orgName());
            r.put("TargetUserOrGroupType", "Guest");
            r.put("EventData", "<PermissionsGranted>" + pick(rnd, "Contribute", "Read") + "</PermissionsGranted>");
            r.put("UniqueSharingId", uuid(rnd));
        } else {
            r.put("ApplicationDisplayName", pick(rnd, "Microsoft Office", "OneDrive SyncEngine", "Microsoft Teams"));
            r.put("AuthenticationType", "OAuth");
            r.put("BrowserName", pick(rnd, "Edge", "Chrome", "Safari"));
            r.put("BrowserVersion", "122.0");
            r.put("IsManagedDevice", rnd.nextBoolean());
            r.put("Platform", pick(rnd, "WinDesktop", "MacDesktop", "iOS"));
            r.put("GeoLocation", pick(rnd, "NAM", "EUR", "APC"));
            r.put("DeviceDisplayName", ip);
        }
        ObjectNode ctx = r.putObject("AppAccessContext");
        ctx.put("AADSessionId", uuid(rnd));
        ctx.put("CorrelationId", r.get("CorrelationId").asText());
        ctx.put("UniqueTokenId", hex(rnd, 22));
        if (op.equals("FileModified")) {
            ArrayNode mod = r.putArray("ModifiedProperties");
            String[] names = {
                "vti_title", "vti_modifiedby", "vti_timelastmodified", "_ComplianceTag", "Description0", "Keywords"};
            int[] i = {0};
            fields.pad(r, target, () -> {
                String name = i[0] < names.length ? names[i[0]] : "vti_x_custom_" + i[0];
                i[0]++;
                return fields.add(mod, fields.modified(name,
                        "Überarbeitete Fassung " + i[0] + " von " + p.displayName(), "Entwurf " + (i[0] - 1)));
            });
        }
        return r;
    }
}
