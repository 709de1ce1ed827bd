package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.hex;
import static io.github.o365auditcamel.simulator.RandomValues.ip;
import static io.github.o365auditcamel.simulator.RandomValues.pick;
import static io.github.o365auditcamel.simulator.RandomValues.uuid;
import static io.github.o365auditcamel.simulator.RecordVocabulary.FILES;
import static io.github.o365auditcamel.simulator.RecordVocabulary.SITES;

/**
 * Generates Audit.General records: Microsoft Teams activity (padded with members) and Copilot interactions
 * (padded with accessed resources). Not thread-safe.
 */
final class GeneralRecords {

    private static final String[][] TEAMS = {
        {"Équipe Marketing", "Général"}, {"Finance DACH", "Jahresabschluss"}, {"Engineering", "General"},
        {"Ventas España", "Campaña 2025"}, {"Leadership", "Board prep"}};

    private final TenantDirectory tenant;
    private final RecordFields fields;

    GeneralRecords(TenantDirectory tenant, RecordFields fields) {
        this.tenant = tenant;
        this.fields = fields;
    }

    /** A Copilot interaction (more likely when large) or a Teams activity record. */
    ObjectNode create(Random rnd, String time, int target) {
        return rnd.nextInt(10) < 3 || target > 1600 && rnd.nextBoolean()
                ? copilot(rnd, time, target) : teams(rnd, time, target);
    }

    private ObjectNode teams(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        String[] team = TEAMS[rnd.nextInt(TEAMS.length)];
        String op = target > 1300
                ? "MemberAdded" : pick(rnd, "MessageSent", "TeamsSessionStarted", "MessageSent", "ChatRetrieved");
        ObjectNode r = fields.common(rnd, time, op, 25, null, p.objectId(), 0, "MicrosoftTeams");
        r.put("ClientIP", ip(rnd));
        r.put("UserId", p.upn());
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
        fields.pad(r, target, () -> fields.add(members, member(tenant.person(rnd), 2)));
        return r;
    }

    private ObjectNode member(DirectoryPerson p, int role) {
        ObjectNode m = fields.object();
        m.put("DisplayName", p.displayName());
        m.put("Role", role);
        m.put("UPN", p.upn());
        return m;
    }

    private ObjectNode copilot(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        ObjectNode r = fields.common(rnd, time, "CopilotInteraction", 261, null, p.objectId(), 0, "Copilot");
        r.put("ClientIP", ip(rnd));
        r.put("UserId", p.upn());
        r.put("AppIdentity", "Copilot.MicrosoftCopilot.BizChat");
        ObjectNode data = r.putObject("CopilotEventData");
        data.put("AppHost", pick(rnd, "Teams", "Word", "Outlook", "BizChat"));
        ArrayNode contexts = data.putArray("Contexts");
        ObjectNode c = contexts.addObject();
        c.put("Id", "https://" + tenant.orgPrefix() + ".sharepoint.com/sites/"
                + SITES[rnd.nextInt(SITES.length)].replace(' ', '-'));
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
        fields.pad(r, target, () -> fields.add(resources, resource(rnd)));
        return r;
    }

    private ObjectNode resource(Random rnd) {
        ObjectNode res = fields.object();
        String file = FILES[rnd.nextInt(FILES.length)];
        String site = SITES[rnd.nextInt(SITES.length)].replace(' ', '-');
        res.put("Id", uuid(rnd));
        res.put("Name", file);
        res.put("SiteUrl", "https://" + tenant.orgPrefix() + ".sharepoint.com/sites/" + site);
        res.put("Type", "File");
        res.put("Action", "Read");
        return res;
    }
}
