package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.hex;
import static io.github.o365auditcamel.simulator.RandomValues.ip;
import static io.github.o365auditcamel.simulator.RandomValues.pick;
import static io.github.o365auditcamel.simulator.RandomValues.server;
import static io.github.o365auditcamel.simulator.RandomValues.uuid;
import static io.github.o365auditcamel.simulator.RecordVocabulary.SUBJECTS;

/**
 * Generates Audit.Exchange records: MailItemsAccessed (padded with mail items in folders), Send (padded with
 * attachments) and admin cmdlets such as Set-Mailbox (padded with proxy addresses). Not thread-safe.
 */
final class ExchangeRecords {

    private static final String[] REGIONS_FOLDERS_EXCH = {
        "\\Inbox", "\\Sent Items", "\\Archive", "\\Inbox\\Rückmeldungen", "\\Inbox\\Clients – Été 2025",
        "\\Drafts"};

    private final TenantDirectory tenant;
    private final RecordFields fields;

    ExchangeRecords(TenantDirectory tenant, RecordFields fields) {
        this.tenant = tenant;
        this.fields = fields;
    }

    /** A MailItemsAccessed (60 %), Send (20 %) or admin cmdlet (20 %) record. */
    ObjectNode create(Random rnd, String time, int target) {
        int kind = rnd.nextInt(100);
        if (kind < 60) {
            return mailItemsAccessed(rnd, time, target);
        } else if (kind < 80) {
            return mailSend(rnd, time, target);
        }
        return exchangeAdmin(rnd, time, target);
    }

    private ObjectNode mailItemsAccessed(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        String ip = ip(rnd);
        ObjectNode r = fields.common(rnd, time, "MailItemsAccessed", 50, "Succeeded", p.puid(), 0, "Exchange");
        r.put("ClientIP", ip);
        r.put("UserId", p.upn());
        r.put("AppId", "00000002-0000-0ff1-ce00-000000000000");
        r.put("ClientAppId", "");
        r.put("ClientIPAddress", ip);
        r.put("ClientInfoString",
                pick(rnd, "Client=OWA;Action=ViaProxy", "Client=REST;Client=RESTSystem;;", "Client=MSExchangeRPC"));
        r.put("ExternalAccess", false);
        r.put("InternalLogonType", 0);
        r.put("LogonType", 0);
        r.put("LogonUserDisplayName", p.displayName());
        r.put("LogonUserSid", p.sid());
        r.put("MailboxGuid", p.mailboxGuid());
        r.put("MailboxOwnerSid", p.sid());
        r.put("MailboxOwnerUPN", p.upn());
        ArrayNode props = r.putArray("OperationProperties");
        props.add(fields.nameValue("MailAccessType", pick(rnd, "Bind", "Sync")));
        props.add(fields.nameValue("IsThrottled", "False"));
        r.put("OrganizationName", tenant.orgName());
        r.put("OriginatingServer", server(rnd) + "\r\n");
        r.put("SessionId", uuid(rnd));
        r.put("OperationCount", 1);
        ArrayNode folders = r.putArray("Folders");
        ArrayNode[] items = {newFolder(rnd, folders)};
        items[0].add(folderItem(rnd));
        int[] count = {1};
        fields.pad(r, target, () -> {
            int added = 0;
            if (items[0].size() >= 6 && rnd.nextBoolean()) {
                int before = fields.size(folders);
                items[0] = newFolder(rnd, folders);
                items[0].add(folderItem(rnd));
                added = fields.size(folders) - before;
            } else {
                added = fields.add(items[0], folderItem(rnd));
            }
            count[0]++;
            return added;
        });
        r.put("OperationCount", count[0]);
        return r;
    }

    private ArrayNode newFolder(Random rnd, ArrayNode folders) {
        ObjectNode f = folders.addObject();
        ArrayNode items = f.putArray("FolderItems");
        f.put("Id", "LgAAAAD" + hex(rnd, 34) + "AQAAAAEMAAAB");
        f.put("Path", REGIONS_FOLDERS_EXCH[rnd.nextInt(REGIONS_FOLDERS_EXCH.length)]);
        return items;
    }

    private ObjectNode folderItem(Random rnd) {
        ObjectNode i = fields.object();
        String server = "PH0PR01MB" + (1000 + rnd.nextInt(9000));
        i.put("InternetMessageId",
                "<" + server + hex(rnd, 8).toUpperCase(Locale.ROOT) + "@" + server + ".namprd01.prod.outlook.com>");
        i.put("SizeInBytes", 2000 + rnd.nextInt(200000));
        return i;
    }

    private ObjectNode mailSend(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        String ip = ip(rnd) + ":" + (1024 + rnd.nextInt(60000));
        ObjectNode r = fields.common(rnd, time, "Send", 2, "Succeeded", p.puid(), 0, "Exchange");
        r.put("ClientIP", ip);
        r.put("UserId", p.upn());
        r.put("AppId", "00000002-0000-0ff1-ce00-000000000000");
        r.put("ClientIPAddress", ip);
        r.put("ClientInfoString", "Client=OutlookService;Outlook/16.0.17328.20124");
        r.put("ExternalAccess", false);
        r.put("InternalLogonType", 0);
        r.put("LogonType", 0);
        r.put("LogonUserSid", p.sid());
        r.put("MailboxGuid", p.mailboxGuid());
        r.put("MailboxOwnerSid", p.sid());
        r.put("MailboxOwnerUPN", p.upn());
        r.put("OrganizationName", tenant.orgName());
        r.put("OriginatingServer", server(rnd) + "\r\n");
        r.put("SessionId", uuid(rnd));
        ObjectNode item = r.putObject("Item");
        item.put("Id", "RgAAAAD" + hex(rnd, 40) + "AAAJ");
        item.put("InternetMessageId", folderItem(rnd).get("InternetMessageId").asText());
        ObjectNode parent = item.putObject("ParentFolder");
        parent.put("Id", "LgAAAAD" + hex(rnd, 34) + "AQAAAAEJAAAB");
        parent.put("Path", "\\Sent Items");
        item.put("SizeInBytes", 5000 + rnd.nextInt(900000));
        item.put("Subject", SUBJECTS[rnd.nextInt(SUBJECTS.length)]);
        String[] attachments =
                {"Angebot_" + (100 + rnd.nextInt(900)) + ".pdf (" + (10000 + rnd.nextInt(500000)) + "b)"};
        item.put("Attachments", attachments[0]);
        int[] n = {0};
        fields.pad(r, target, () -> {
            String more = "; " + pick(rnd, "scan", "photo", "notes", "invoice", "export") + "_" + (++n[0]) + "."
                    + pick(rnd, "pdf", "jpg", "docx", "csv") + " (" + (1000 + rnd.nextInt(900000)) + "b)";
            attachments[0] += more;
            item.put("Attachments", attachments[0]);
            return more.length();
        });
        return r;
    }

    private ObjectNode exchangeAdmin(Random rnd, String time, int target) {
        DirectoryPerson admin = tenant.admin();
        DirectoryPerson subject = tenant.person(rnd);
        String alias = subject.upn().substring(0, subject.upn().indexOf('@'));
        String cmdlet = pick(rnd, "Set-Mailbox", "Add-MailboxPermission", "New-InboxRule");
        ObjectNode r = fields.common(rnd, time, cmdlet, 1, "True", "10032000ABCD9999", 2, "Exchange");
        r.put("ClientIP", ip(rnd));
        r.put("ObjectId", tenant.orgName() + "\\" + alias);
        r.put("UserId", admin.upn());
        r.put("AppId", "fb78d390-0c51-40cd-8e17-fdbfab77341b");
        r.put("ClientAppId", "");
        r.put("ExternalAccess", false);
        r.put("OrganizationName", tenant.orgName());
        r.put("OriginatingServer", server(rnd));
        ArrayNode params = r.putArray("Parameters");
        params.add(fields.nameValue("Identity", alias));
        switch (cmdlet) {
            case "Set-Mailbox" -> {
                params.add(fields.nameValue("ForwardingSmtpAddress", "smtp:" + alias + ".personal@example.net"));
                params.add(fields.nameValue("DeliverToMailboxAndForward", "True"));
            }
            case "Add-MailboxPermission" -> {
                params.add(fields.nameValue("User", admin.upn()));
                params.add(fields.nameValue("AccessRights", "FullAccess"));
                params.add(fields.nameValue("InheritanceType", "All"));
            }
            default -> {
                params.add(fields.nameValue("Name", "Weiterleitung – " + subject.displayName()));
                params.add(fields.nameValue("From", "billing@example.org"));
                params.add(fields.nameValue("MoveToFolder", "RSS Feeds"));
                params.add(fields.nameValue("StopProcessingRules", "True"));
            }
        }
        r.put("SessionId", uuid(rnd));
        r.put("ModifiedObjectResolvedName", subject.displayName());
        ObjectNode[] proxies = {null};
        int[] n = {0};
        fields.pad(r, target, () -> {
            if (proxies[0] == null) {
                proxies[0] = fields.nameValue("EmailAddresses", "SMTP:" + subject.upn());
                return fields.add(params, proxies[0]);
            }
            String more = ";smtp:" + alias + "." + (++n[0]) + "@" + tenant.orgName();
            proxies[0].put("Value", proxies[0].get("Value").asText() + more);
            return more.length();
        });
        return r;
    }
}
