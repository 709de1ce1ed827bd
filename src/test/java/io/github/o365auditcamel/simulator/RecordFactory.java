package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Builds synthetic but realistic audit records (shapes of the reference, section 8.4) and renders each one as
 * compact UTF-8 JSON exactly once.
 *
 * <p>All values are invented: people of a fictional tenant, documentation IP ranges (RFC 5737 / RFC 3849).
 * Some values carry non-ASCII text (display names, file names, team names, subjects) and every record has nested
 * arrays/objects. Records are padded to an approximate target size by appending further realistic elements to a
 * record-specific array (mail items, parameters, modified properties, sensitive-information detections, ...).
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

    /** Sensitive information types used in DLP records (the GUIDs of the first two are Microsoft's well-known ones). */
    static final List<String[]> SENSITIVE_TYPES = List.of(
            new String[] {"50842eb7-edc8-4019-85dd-5a5c1f2bb085", "Credit Card Number"},
            new String[] {"a44669fe-0d48-453d-a9b1-2cc83f2cba77", "U.S. Social Security Number (SSN)"},
            new String[] {"e7dc4711-11b7-4cb0-b88b-2c394a771f0e", "International Banking Account Number (IBAN)"},
            new String[] {"0e9b3178-9678-47dd-a509-37222ca96b42", "EU Debit Card Number"},
            new String[] {"7a2b4c3d-9e1f-4a60-8b72-c3d4e5f60718", "Germany Passport Number"},
            new String[] {"1b8e0c5d-2f3a-4b6c-9d7e-8f9a0b1c2d3e", "France National ID Card (CNI)"},
            new String[] {"c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f", "ABA Routing Number"});

    private static final String[][] PEOPLE = {
        {"Dana Ito", "dana.ito"}, {"Zoë Müller", "zoe.mueller"}, {"José Álvarez", "jose.alvarez"},
        {"Renée Dubois", "renee.dubois"}, {"Jürgen Groß", "juergen.gross"}, {"Łukasz Wójcik", "lukasz.wojcik"},
        {"Siobhán O'Brien", "siobhan.obrien"}, {"Ana Núñez", "ana.nunez"}, {"Björn Åkesson", "bjorn.akesson"},
        {"Chloé Lefèvre", "chloe.lefevre"}, {"François Côté", "francois.cote"}, {"Ömer Yıldız", "omer.yildiz"},
        {"Hana Nováková", "hana.novakova"}, {"Priya Raman", "priya.raman"}, {"Kwame Mensah", "kwame.mensah"},
        {"IT Admin", "it.admin"}};

    private static final String[][] APPS = {
        {"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office"},
        {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"},
        {"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams"},
        {"89bee1f7-5e6e-4d8a-9f3d-ecd601259da7", "Office365 Shell WCSS-Client"},
        {"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"}};

    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36 Edg/122.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Teams/6.1"};

    private static final String[] FILES = {
        "Q1 forecast.xlsx", "Präsentation Übersicht.pptx", "Budget 2025 – Équipe.xlsx", "plan.docx",
        "Réunion compte-rendu.docx", "Gehaltsübersicht.xlsx", "contract_draft_v3.pdf", "Roadmap FY26.pptx",
        "São Paulo office lease.pdf", "onboarding checklist.docx"};

    private static final String[] FOLDERS = {
        "Projects", "2025", "Finance", "Ventes – Europe", "Verträge", "Archive", "Shared", "Q3", "Clients", "Öffentlich"};

    private static final String[] SITES = {"Finance", "Marketing", "HR", "Engineering", "Direction Générale"};

    private static final String[] SUBJECTS = {
        "Réunion budget – Q3", "Angebot für München", "customer list", "Re: contract renewal",
        "Überprüfung der Rechnung", "Weekly status", "Fwd: São Paulo trip", "Invitation: All-hands"};

    private static final String[][] TEAMS = {
        {"Équipe Marketing", "Général"}, {"Finance DACH", "Jahresabschluss"}, {"Engineering", "General"},
        {"Ventas España", "Campaña 2025"}, {"Leadership", "Board prep"}};

    private static final String[] REGIONS_FOLDERS_EXCH = {
        "\\Inbox", "\\Sent Items", "\\Archive", "\\Inbox\\Rückmeldungen", "\\Inbox\\Clients – Été 2025", "\\Drafts"};

    private final ObjectMapper mapper = new ObjectMapper();
    private final String tenantId;
    private final String orgName;       // fabrikam-sim.onmicrosoft.com
    private final String orgPrefix;     // fabrikam-sim
    private final String mailDomain;    // fabrikam-sim.example
    private final List<Person> people = new ArrayList<>();

    private record Person(String displayName, String upn, String objectId, String puid, String sid, String mailboxGuid) {}

    /** A way to make a record larger by one realistic element; returns the approximate number of bytes added. */
    @FunctionalInterface
    private interface Grower {
        int grow();
    }

    RecordFactory(String tenantId, String tenantDomain, Random rnd) {
        this.tenantId = tenantId;
        this.orgName = tenantDomain;
        int dot = tenantDomain.indexOf('.');
        this.orgPrefix = dot > 0 ? tenantDomain.substring(0, dot) : tenantDomain;
        this.mailDomain = orgPrefix + ".example";
        for (String[] p : PEOPLE) {
            people.add(new Person(p[0], p[1] + "@" + mailDomain, uuid(rnd),
                    String.format(Locale.ROOT, "10032000%08X", rnd.nextInt() & 0x7fffffff),
                    "S-1-5-21-1111111111-2222222222-3333333333-" + (10000 + rnd.nextInt(90000)), uuid(rnd)));
        }
    }

    /** A random version-4 GUID drawn from {@code rnd} (so that a seed makes it deterministic). */
    static String uuid(Random rnd) {
        long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
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
            case AAD -> rnd.nextInt(4) == 0 ? aadAdmin(rnd, creationTime, targetSize) : aadSignIn(rnd, creationTime, targetSize);
            case EXCHANGE -> exchange(rnd, creationTime, targetSize);
            case SHAREPOINT -> sharePoint(rnd, creationTime, targetSize);
            case GENERAL -> general(rnd, creationTime, targetSize);
            case DLP -> dlp(rnd, creationTime, targetSize);
            default -> throw new IllegalArgumentException("unknown content type " + contentType);
        };
        return bytes(rec);
    }

    // ------------------------------------------------------------------ Audit.AzureActiveDirectory

    private ObjectNode aadSignIn(Random rnd, String time, int target) {
        Person p = person(rnd);
        String ip = ip(rnd);
        boolean ok = rnd.nextInt(100) < 85;
        String[] app = APPS[rnd.nextInt(APPS.length)];
        String resource = APPS[rnd.nextInt(APPS.length)][0];
        ObjectNode r = common(rnd, time, ok ? "UserLoggedIn" : "UserLoginFailed", 15, ok ? "Succeeded" : "Failed",
                p.objectId, 0, "AzureActiveDirectory");
        r.put("ClientIP", ip);
        r.put("ObjectId", resource);
        r.put("UserId", p.upn);
        r.put("AzureActiveDirectoryEventType", 1);
        ArrayNode ext = r.putArray("ExtendedProperties");
        ext.add(nameValue("ResultStatusDetail", ok ? "Success" : "Redirect"));
        ext.add(nameValue("UserAgent", USER_AGENTS[rnd.nextInt(USER_AGENTS.length)]));
        ext.add(nameValue("RequestType", pick(rnd, "OAuth2:Token", "Login:login", "OAuth2:Authorize", "Kmsi:kmsi")));
        r.putArray("ModifiedProperties");
        ArrayNode actor = r.putArray("Actor");
        actor.add(idType(p.objectId, 0));
        actor.add(idType(p.upn, 5));
        r.put("ActorContextId", tenantId);
        r.put("ActorIpAddress", ip);
        r.put("InterSystemsId", uuid(rnd));
        r.put("IntraSystemId", uuid(rnd));
        r.put("SupportTicketId", "");
        r.putArray("Target").add(idType(resource, 0));
        r.put("TargetContextId", tenantId);
        r.put("ApplicationId", app[0]);
        ArrayNode dev = r.putArray("DeviceProperties");
        dev.add(nameValue("OS", pick(rnd, "Windows10", "MacOs", "Ios", "Android")));
        dev.add(nameValue("BrowserType", pick(rnd, "Edge", "Chrome", "Safari", "Firefox")));
        dev.add(nameValue("IsCompliantAndManaged", rnd.nextBoolean() ? "True" : "False"));
        if (rnd.nextInt(3) == 0) {
            dev.add(nameValue("DisplayName", "Laptop von " + p.displayName));
        }
        dev.add(nameValue("SessionId", uuid(rnd)));
        if (ok) {
            r.put("ErrorNumber", "0");
        } else {
            String[] err = rnd.nextBoolean()
                    ? new String[] {"50126", "InvalidUserNameOrPassword"}
                    : new String[] {"50074", "UserStrongAuthClientAuthNRequiredInterrupt"};
            r.put("ErrorNumber", err[0]);
            r.put("LogonError", err[1]);
        }
        int[] step = {0};
        pad(r, target, () -> {
            step[0]++;
            String value = "{\"StepDateTime\":\"" + time + "\",\"AuthenticationMethod\":\""
                    + pick(rnd, "Password", "PhoneAppNotification", "PreviouslySatisfied", "FIDO2SecurityKey")
                    + "\",\"AuthenticationMethodDetail\":\"" + pick(rnd, "Password in the cloud", "Authenticator App", "")
                    + "\",\"Succeeded\":" + ok + ",\"AuthenticationStepResultDetail\":\""
                    + pick(rnd, "Correct password", "MFA successfully completed", "First factor requirement satisfied by claim in the token")
                    + "\",\"AuthenticationStepRequirement\":\"Primary authentication\",\"RequestSequence\":" + step[0] + "}";
            return add(ext, nameValue("AuthenticationDetail", value));
        });
        return r;
    }

    private ObjectNode aadAdmin(Random rnd, String time, int target) {
        Person admin = people.get(people.size() - 1);
        Person subject = person(rnd);
        String op = pick(rnd, "Add user.", "Update user.", "Add member to group.", "Reset user password.", "Add service principal.");
        ObjectNode r = common(rnd, time, op, 8, "Success", admin.puid + "@" + mailDomain, 0, "AzureActiveDirectory");
        r.put("ObjectId", subject.upn);
        r.put("UserId", admin.upn);
        r.put("AzureActiveDirectoryEventType", 1);
        ArrayNode ext = r.putArray("ExtendedProperties");
        ext.add(nameValue("additionalDetails", "{\"UserType\":\"Member\"}"));
        ext.add(nameValue("extendedAuditEventCategory", "User"));
        ArrayNode mod = r.putArray("ModifiedProperties");
        mod.add(modified("AccountEnabled", "[true]", ""));
        mod.add(modified("DisplayName", json(List.of(subject.displayName)), ""));
        mod.add(modified("UserPrincipalName", json(List.of(subject.upn)), ""));
        ArrayNode actor = r.putArray("Actor");
        actor.add(idType(admin.upn, 5));
        actor.add(idType(admin.puid, 3));
        actor.add(idType("User_" + admin.objectId, 2));
        actor.add(idType(admin.objectId, 2));
        actor.add(idType("User", 2));
        r.put("ActorContextId", tenantId);
        r.put("InterSystemsId", uuid(rnd));
        r.put("IntraSystemId", uuid(rnd));
        r.put("SupportTicketId", "");
        ArrayNode tgt = r.putArray("Target");
        tgt.add(idType("User_" + subject.objectId, 2));
        tgt.add(idType(subject.upn, 5));
        tgt.add(idType("User", 2));
        r.put("TargetContextId", tenantId);
        String[][] pool = {
            {"Department", "[\"Finance\"]"}, {"JobTitle", "[\"Analyste financière\"]"}, {"UsageLocation", "[\"DE\"]"},
            {"City", "[\"München\"]"}, {"Country", "[\"Deutschland\"]"}, {"StreetAddress", "[\"Königstraße 12\"]"},
            {"TelephoneNumber", "[\"+49 89 1234567\"]"}, {"Included Updated Properties", "\"Department, JobTitle\""}};
        int[] i = {0};
        pad(r, target, () -> {
            if (i[0] < pool.length) {
                String[] pv = pool[i[0]++];
                return add(mod, modified(pv[0], pv[1], ""));
            }
            i[0]++;
            return add(mod, modified("AssignedLicense",
                    "[\"[SKUName=ENTERPRISEPACK, AccountId=" + uuid(rnd) + ", SkuId=" + uuid(rnd) + ", DisabledPlans=[]]\"]", "[]"));
        });
        return r;
    }

    // ------------------------------------------------------------------ Audit.Exchange

    private ObjectNode exchange(Random rnd, String time, int target) {
        int kind = rnd.nextInt(100);
        if (kind < 60) {
            return mailItemsAccessed(rnd, time, target);
        } else if (kind < 80) {
            return mailSend(rnd, time, target);
        }
        return exchangeAdmin(rnd, time, target);
    }

    private ObjectNode mailItemsAccessed(Random rnd, String time, int target) {
        Person p = person(rnd);
        String ip = ip(rnd);
        ObjectNode r = common(rnd, time, "MailItemsAccessed", 50, "Succeeded", p.puid, 0, "Exchange");
        r.put("ClientIP", ip);
        r.put("UserId", p.upn);
        r.put("AppId", "00000002-0000-0ff1-ce00-000000000000");
        r.put("ClientAppId", "");
        r.put("ClientIPAddress", ip);
        r.put("ClientInfoString", pick(rnd, "Client=OWA;Action=ViaProxy", "Client=REST;Client=RESTSystem;;", "Client=MSExchangeRPC"));
        r.put("ExternalAccess", false);
        r.put("InternalLogonType", 0);
        r.put("LogonType", 0);
        r.put("LogonUserDisplayName", p.displayName);
        r.put("LogonUserSid", p.sid);
        r.put("MailboxGuid", p.mailboxGuid);
        r.put("MailboxOwnerSid", p.sid);
        r.put("MailboxOwnerUPN", p.upn);
        ArrayNode props = r.putArray("OperationProperties");
        props.add(nameValue("MailAccessType", pick(rnd, "Bind", "Sync")));
        props.add(nameValue("IsThrottled", "False"));
        r.put("OrganizationName", orgName);
        r.put("OriginatingServer", server(rnd) + "\r\n");
        r.put("SessionId", uuid(rnd));
        r.put("OperationCount", 1);
        ArrayNode folders = r.putArray("Folders");
        ArrayNode[] items = {newFolder(rnd, folders)};
        items[0].add(folderItem(rnd));
        int[] count = {1};
        pad(r, target, () -> {
            int added = 0;
            if (items[0].size() >= 6 && rnd.nextBoolean()) {
                int before = size(folders);
                items[0] = newFolder(rnd, folders);
                items[0].add(folderItem(rnd));
                added = size(folders) - before;
            } else {
                added = add(items[0], folderItem(rnd));
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
        ObjectNode i = mapper.createObjectNode();
        String server = "PH0PR01MB" + (1000 + rnd.nextInt(9000));
        i.put("InternetMessageId", "<" + server + hex(rnd, 8).toUpperCase(Locale.ROOT) + "@" + server + ".namprd01.prod.outlook.com>");
        i.put("SizeInBytes", 2000 + rnd.nextInt(200000));
        return i;
    }

    private ObjectNode mailSend(Random rnd, String time, int target) {
        Person p = person(rnd);
        String ip = ip(rnd) + ":" + (1024 + rnd.nextInt(60000));
        ObjectNode r = common(rnd, time, "Send", 2, "Succeeded", p.puid, 0, "Exchange");
        r.put("ClientIP", ip);
        r.put("UserId", p.upn);
        r.put("AppId", "00000002-0000-0ff1-ce00-000000000000");
        r.put("ClientIPAddress", ip);
        r.put("ClientInfoString", "Client=OutlookService;Outlook/16.0.17328.20124");
        r.put("ExternalAccess", false);
        r.put("InternalLogonType", 0);
        r.put("LogonType", 0);
        r.put("LogonUserSid", p.sid);
        r.put("MailboxGuid", p.mailboxGuid);
        r.put("MailboxOwnerSid", p.sid);
        r.put("MailboxOwnerUPN", p.upn);
        r.put("OrganizationName", orgName);
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
        String[] attachments = {"Angebot_" + (100 + rnd.nextInt(900)) + ".pdf (" + (10000 + rnd.nextInt(500000)) + "b)"};
        item.put("Attachments", attachments[0]);
        int[] n = {0};
        pad(r, target, () -> {
            String more = "; " + pick(rnd, "scan", "photo", "notes", "invoice", "export") + "_" + (++n[0]) + "."
                    + pick(rnd, "pdf", "jpg", "docx", "csv") + " (" + (1000 + rnd.nextInt(900000)) + "b)";
            attachments[0] += more;
            item.put("Attachments", attachments[0]);
            return more.length();
        });
        return r;
    }

    private ObjectNode exchangeAdmin(Random rnd, String time, int target) {
        Person admin = people.get(people.size() - 1);
        Person subject = person(rnd);
        String alias = subject.upn.substring(0, subject.upn.indexOf('@'));
        String cmdlet = pick(rnd, "Set-Mailbox", "Add-MailboxPermission", "New-InboxRule");
        ObjectNode r = common(rnd, time, cmdlet, 1, "True", "10032000ABCD9999", 2, "Exchange");
        r.put("ClientIP", ip(rnd));
        r.put("ObjectId", orgName + "\\" + alias);
        r.put("UserId", admin.upn);
        r.put("AppId", "fb78d390-0c51-40cd-8e17-fdbfab77341b");
        r.put("ClientAppId", "");
        r.put("ExternalAccess", false);
        r.put("OrganizationName", orgName);
        r.put("OriginatingServer", server(rnd));
        ArrayNode params = r.putArray("Parameters");
        params.add(nameValue("Identity", alias));
        switch (cmdlet) {
            case "Set-Mailbox" -> {
                params.add(nameValue("ForwardingSmtpAddress", "smtp:" + alias + ".personal@example.net"));
                params.add(nameValue("DeliverToMailboxAndForward", "True"));
            }
            case "Add-MailboxPermission" -> {
                params.add(nameValue("User", admin.upn));
                params.add(nameValue("AccessRights", "FullAccess"));
                params.add(nameValue("InheritanceType", "All"));
            }
            default -> {
                params.add(nameValue("Name", "Weiterleitung – " + subject.displayName));
                params.add(nameValue("From", "billing@example.org"));
                params.add(nameValue("MoveToFolder", "RSS Feeds"));
                params.add(nameValue("StopProcessingRules", "True"));
            }
        }
        r.put("SessionId", uuid(rnd));
        r.put("ModifiedObjectResolvedName", subject.displayName);
        ObjectNode[] proxies = {null};
        int[] n = {0};
        pad(r, target, () -> {
            if (proxies[0] == null) {
                proxies[0] = nameValue("EmailAddresses", "SMTP:" + subject.upn);
                return add(params, proxies[0]);
            }
            String more = ";smtp:" + alias + "." + (++n[0]) + "@" + orgName;
            proxies[0].put("Value", proxies[0].get("Value").asText() + more);
            return more.length();
        });
        return r;
    }

    // ------------------------------------------------------------------ Audit.SharePoint

    private ObjectNode sharePoint(Random rnd, String time, int target) {
        Person p = person(rnd);
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
                ? "https://" + orgPrefix + "-my.sharepoint.com/personal/" + p.upn.replace('.', '_').replace('@', '_') + "/"
                : "https://" + orgPrefix + ".sharepoint.com/sites/" + site.replace(' ', '-') + "/";
        StringBuilder rel = new StringBuilder(oneDrive ? "Documents" : "Shared Documents");
        for (int i = rnd.nextInt(4); i > 0; i--) {
            rel.append('/').append(FOLDERS[rnd.nextInt(FOLDERS.length)]);
        }
        String file = FILES[rnd.nextInt(FILES.length)];
        String ext = file.substring(file.lastIndexOf('.') + 1);
        ObjectNode r = common(rnd, time, op, recordType, null, "i:0h.f|membership|" + p.puid.toLowerCase(Locale.ROOT) + "@live.com",
                0, oneDrive ? "OneDrive" : "SharePoint");
        r.put("ClientIP", ip);
        r.put("ObjectId", siteUrl + rel + "/" + file);
        r.put("UserId", p.upn);
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
            Person guest = person(rnd);
            r.put("TargetUserOrGroupName", guest.upn.replace('@', '_') + "#ext#@" + orgName);
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
            String[] fields = {"vti_title", "vti_modifiedby", "vti_timelastmodified", "_ComplianceTag", "Description0", "Keywords"};
            int[] i = {0};
            pad(r, target, () -> {
                String name = i[0] < fields.length ? fields[i[0]] : "vti_x_custom_" + i[0];
                i[0]++;
                return add(mod, modified(name, "Überarbeitete Fassung " + i[0] + " von " + p.displayName,
                        "Entwurf " + (i[0] - 1)));
            });
        }
        return r;
    }

    // ------------------------------------------------------------------ Audit.General

    private ObjectNode general(Random rnd, String time, int target) {
        return rnd.nextInt(10) < 3 || target > 1600 && rnd.nextBoolean()
                ? copilot(rnd, time, target) : teams(rnd, time, target);
    }

    private ObjectNode teams(Random rnd, String time, int target) {
        Person p = person(rnd);
        String[] team = TEAMS[rnd.nextInt(TEAMS.length)];
        String op = target > 1300 ? "MemberAdded" : pick(rnd, "MessageSent", "TeamsSessionStarted", "MessageSent", "ChatRetrieved");
        ObjectNode r = common(rnd, time, op, 25, null, p.objectId, 0, "MicrosoftTeams");
        r.put("ClientIP", ip(rnd));
        r.put("UserId", p.upn);
        r.put("CommunicationType", pick(rnd, "Team", "GroupChat", "OneOnOne"));
        r.put("ChatThreadId", "19:" + hex(rnd, 32) + "@thread.tacv2");
        r.put("AADGroupId", uuid(rnd));
        r.put("TeamName", team[0]);
        r.put("TeamGuid", "19:" + hex(rnd, 32) + "@thread.tacv2");
        r.put("ChannelName", team[1]);
        r.put("ChannelGuid", "19:" + hex(rnd, 32) + "@thread.tacv2");
        r.put("ChannelType", "Standard");
        if (op.equals("MessageSent")) {
            r.put("MessageId", Long.toString(1_700_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)));
            r.put("MessageSizeInBytes", 100 + rnd.nextInt(4000));
            r.put("MessageVersion", "1");
        }
        ObjectNode ext = r.putObject("ExtraProperties");
        ext.put("TimeZone", pick(rnd, "Europe/Berlin", "America/Sao_Paulo", "Asia/Tokyo"));
        ext.put("OsName", pick(rnd, "windows", "osx", "ios"));
        ext.put("OsVersion", "10.0.22631");
        ext.put("Country", pick(rnd, "de", "fr", "us", "br"));
        ext.put("ClientName", "skypeteams");
        ext.put("ClientVersion", "49/24020205510");
        ArrayNode members = r.putArray("Members");
        members.add(member(p, 1));
        pad(r, target, () -> add(members, member(person(rnd), 2)));
        return r;
    }

    private ObjectNode member(Person p, int role) {
        ObjectNode m = mapper.createObjectNode();
        m.put("DisplayName", p.displayName);
        m.put("Role", role);
        m.put("UPN", p.upn);
        return m;
    }

    private ObjectNode copilot(Random rnd, String time, int target) {
        Person p = person(rnd);
        ObjectNode r = common(rnd, time, "CopilotInteraction", 261, null, p.objectId, 0, "Copilot");
        r.put("ClientIP", ip(rnd));
        r.put("UserId", p.upn);
        r.put("AppIdentity", "Copilot.MicrosoftCopilot.BizChat");
        ObjectNode data = r.putObject("CopilotEventData");
        data.put("AppHost", pick(rnd, "Teams", "Word", "Outlook", "BizChat"));
        ArrayNode contexts = data.putArray("Contexts");
        ObjectNode c = contexts.addObject();
        c.put("Id", "https://" + orgPrefix + ".sharepoint.com/sites/" + SITES[rnd.nextInt(SITES.length)].replace(' ', '-'));
        c.put("Type", "SharePointSite");
        data.put("ThreadId", "19:" + hex(rnd, 32) + "@thread.v2");
        ArrayNode messages = data.putArray("Messages");
        ObjectNode m1 = messages.addObject();
        m1.put("Id", Long.toString(1_700_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)));
        m1.put("isPrompt", true);
        ObjectNode m2 = messages.addObject();
        m2.put("Id", Long.toString(1_700_000_000_000L + (rnd.nextLong() & 0xFFFFFFFFFL)));
        m2.put("isPrompt", false);
        ArrayNode resources = data.putArray("AccessedResources");
        resources.add(resource(rnd));
        pad(r, target, () -> add(resources, resource(rnd)));
        return r;
    }

    private ObjectNode resource(Random rnd) {
        ObjectNode res = mapper.createObjectNode();
        String file = FILES[rnd.nextInt(FILES.length)];
        String site = SITES[rnd.nextInt(SITES.length)].replace(' ', '-');
        res.put("Id", uuid(rnd));
        res.put("Name", file);
        res.put("SiteUrl", "https://" + orgPrefix + ".sharepoint.com/sites/" + site);
        res.put("Type", "File");
        res.put("Action", "Read");
        return res;
    }

    // ------------------------------------------------------------------ DLP.All

    private ObjectNode dlp(Random rnd, String time, int target) {
        Person p = person(rnd);
        boolean exchange = rnd.nextInt(10) < 6;
        ObjectNode r = common(rnd, time, "DlpRuleMatch", exchange ? 13 : 11, null, "DlpAgent", 4, exchange ? "Exchange" : "SharePoint");
        String messageId = "<CY4PR01MB" + (1000 + rnd.nextInt(9000)) + hex(rnd, 6).toUpperCase(Locale.ROOT) + "@CY4PR01MB0001.namprd01.prod.outlook.com>";
        String file = FILES[rnd.nextInt(FILES.length)];
        String siteUrl = "https://" + orgPrefix + ".sharepoint.com/sites/" + SITES[rnd.nextInt(SITES.length)].replace(' ', '-') + "/";
        r.put("ObjectId", exchange ? messageId : siteUrl + "Shared Documents/" + file);
        r.put("UserId", p.upn);
        r.put("IncidentId", uuid(rnd));
        r.put("SensitiveInfoDetectionIsIncluded", false);
        if (exchange) {
            ObjectNode md = r.putObject("ExchangeMetaData");
            md.putArray("BCC");
            md.putArray("CC");
            md.put("FileSize", 1000 + rnd.nextInt(100000));
            md.put("From", p.upn);
            md.put("MessageID", messageId);
            md.put("RecipientCount", 1);
            md.put("Sent", time);
            md.put("Subject", SUBJECTS[rnd.nextInt(SUBJECTS.length)]);
            md.putArray("To").add(pick(rnd, "someone@example.org", "partner@example.net", "einkauf@example.com"));
            md.put("UniqueID", uuid(rnd));
        } else {
            ObjectNode md = r.putObject("SharePointMetaData");
            md.put("From", p.upn);
            md.put("itemCreationTime", time);
            md.put("SiteCollectionGuid", uuid(rnd));
            md.put("SiteCollectionUrl", siteUrl);
            md.put("FileName", file);
            md.put("FileOwner", p.displayName);
            md.put("FilePathUrl", siteUrl + "Shared Documents/" + file);
            md.put("DocumentLastModifier", p.upn);
            md.put("DocumentSharer", p.upn);
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
        pad(r, target, () -> add(sensitive, sensitiveInfo(rnd, SENSITIVE_TYPES.get(++i[0] % SENSITIVE_TYPES.size()))));
        return r;
    }

    private ObjectNode sensitiveInfo(Random rnd, String[] type) {
        int confidence = pick(rnd, 65, 75, 85);
        int count = 1 + rnd.nextInt(20);
        ObjectNode s = mapper.createObjectNode();
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

    // ------------------------------------------------------------------ helpers

    private ObjectNode common(Random rnd, String time, String op, int recordType, String resultStatus, String userKey,
                              int userType, String workload) {
        ObjectNode r = mapper.createObjectNode();
        r.put("CreationTime", time);
        r.put("Id", uuid(rnd));
        r.put("Operation", op);
        r.put("OrganizationId", tenantId);
        r.put("RecordType", recordType);
        if (resultStatus != null) {
            r.put("ResultStatus", resultStatus);
        }
        r.put("UserKey", userKey);
        r.put("UserType", userType);
        r.put("Version", 1);
        r.put("Workload", workload);
        return r;
    }

    private void pad(ObjectNode rec, int target, Grower grower) {
        int size = size(rec);
        for (int guard = 0; size < target && guard < 1000; guard++) {
            size += Math.max(1, grower.grow());
        }
    }

    private int add(ArrayNode array, JsonNode element) {
        array.add(element);
        return size(element) + (array.size() > 1 ? 1 : 0);
    }

    private ObjectNode nameValue(String name, String value) {
        ObjectNode n = mapper.createObjectNode();
        n.put("Name", name);
        n.put("Value", value);
        return n;
    }

    private ObjectNode modified(String name, String newValue, String oldValue) {
        ObjectNode n = mapper.createObjectNode();
        n.put("Name", name);
        n.put("NewValue", newValue);
        n.put("OldValue", oldValue);
        return n;
    }

    private ObjectNode idType(String id, int type) {
        ObjectNode n = mapper.createObjectNode();
        n.put("ID", id);
        n.put("Type", type);
        return n;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int size(JsonNode node) {
        return bytes(node).length;
    }

    private Person person(Random rnd) {
        return people.get(rnd.nextInt(people.size() - 1)); // the last one is the admin
    }

    private static String ip(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> "198.51.100." + (1 + rnd.nextInt(254));
            case 1 -> "203.0.113." + (1 + rnd.nextInt(254));
            case 2 -> "192.0.2." + (1 + rnd.nextInt(254));
            default -> "2001:db8:" + Integer.toHexString(rnd.nextInt(0xffff)) + "::" + Integer.toHexString(1 + rnd.nextInt(0xfffe));
        };
    }

    private static String server(Random rnd) {
        return "PH0PR01MB" + (1000 + rnd.nextInt(9000)) + " (15.20.7" + (100 + rnd.nextInt(800)) + ".0" + (10 + rnd.nextInt(80)) + ")";
    }

    private static String hex(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }

    static String sensitiveTypesJson() {
        StringBuilder sb = new StringBuilder("[");
        for (String[] t : SENSITIVE_TYPES) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"id\":\"").append(t[0]).append("\",\"name\":\"").append(t[1].replace("\"", "\\\"")).append("\"}");
        }
        return sb.append(']').toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
