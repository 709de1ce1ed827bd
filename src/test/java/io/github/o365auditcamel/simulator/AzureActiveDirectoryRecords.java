package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.ip;
import static io.github.o365auditcamel.simulator.RandomValues.pick;
import static io.github.o365auditcamel.simulator.RandomValues.uuid;
import static io.github.o365auditcamel.simulator.RecordVocabulary.USER_AGENTS;

/**
 * Generates Audit.AzureActiveDirectory records: user sign-ins (UserLoggedIn / UserLoginFailed, padded with
 * authentication details) and, one in four, directory changes by the administrator (padded with modified
 * properties). Not thread-safe.
 */
final class AzureActiveDirectoryRecords {

    private static final String[][] APPS = {
        {"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office"},
        {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"},
        {"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams"},
        {"89bee1f7-5e6e-4d8a-9f3d-ecd601259da7", "Office365 Shell WCSS-Client"},
        {"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"}};

    private final TenantDirectory tenant;
    private final RecordFields fields;

    AzureActiveDirectoryRecords(TenantDirectory tenant, RecordFields fields) {
        this.tenant = tenant;
        this.fields = fields;
    }

    /** A sign-in record, or (one in four) a directory change by the administrator. */
    ObjectNode create(Random rnd, String time, int target) {
        return rnd.nextInt(4) == 0 ? aadAdmin(rnd, time, target) : aadSignIn(rnd, time, target);
    }

    private ObjectNode aadSignIn(Random rnd, String time, int target) {
        DirectoryPerson p = tenant.person(rnd);
        String ip = ip(rnd);
        boolean ok = rnd.nextInt(100) < 85;
        String[] app = APPS[rnd.nextInt(APPS.length)];
        String resource = APPS[rnd.nextInt(APPS.length)][0];
        ObjectNode r = fields.common(rnd, time, ok ? "UserLoggedIn" : "UserLoginFailed", 15,
                ok ? "Succeeded" : "Failed", p.objectId(), 0, "AzureActiveDirectory");
        r.put("ClientIP", ip);
        r.put("ObjectId", resource);
        r.put("UserId", p.upn());
        r.put("AzureActiveDirectoryEventType", 1);
        ArrayNode ext = r.putArray("ExtendedProperties");
        ext.add(fields.nameValue("ResultStatusDetail", ok ? "Success" : "Redirect"));
        ext.add(fields.nameValue("UserAgent", USER_AGENTS[rnd.nextInt(USER_AGENTS.length)]));
        ext.add(fields.nameValue("RequestType",
                pick(rnd, "OAuth2:Token", "Login:login", "OAuth2:Authorize", "Kmsi:kmsi")));
        r.putArray("ModifiedProperties");
        ArrayNode actor = r.putArray("Actor");
        actor.add(fields.idType(p.objectId(), 0));
        actor.add(fields.idType(p.upn(), 5));
        r.put("ActorContextId", tenant.tenantId());
        r.put("ActorIpAddress", ip);
        r.put("InterSystemsId", uuid(rnd));
        r.put("IntraSystemId", uuid(rnd));
        r.put("SupportTicketId", "");
        r.putArray("Target").add(fields.idType(resource, 0));
        r.put("TargetContextId", tenant.tenantId());
        r.put("ApplicationId", app[0]);
        ArrayNode dev = r.putArray("DeviceProperties");
        dev.add(fields.nameValue("OS", pick(rnd, "Windows10", "MacOs", "Ios", "Android")));
        dev.add(fields.nameValue("BrowserType", pick(rnd, "Edge", "Chrome", "Safari", "Firefox")));
        dev.add(fields.nameValue("IsCompliantAndManaged", rnd.nextBoolean() ? "True" : "False"));
        if (rnd.nextInt(3) == 0) {
            dev.add(fields.nameValue("DisplayName", "Laptop von " + p.displayName()));
        }
        dev.add(fields.nameValue("SessionId", uuid(rnd)));
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
        fields.pad(r, target, () -> {
            step[0]++;
            String value = "{\"StepDateTime\":\"" + time + "\",\"AuthenticationMethod\":\""
                    + pick(rnd, "Password", "PhoneAppNotification", "PreviouslySatisfied", "FIDO2SecurityKey")
                    + "\",\"AuthenticationMethodDetail\":\""
                    + pick(rnd, "Password in the cloud", "Authenticator App", "")
                    + "\",\"Succeeded\":" + ok + ",\"AuthenticationStepResultDetail\":\""
                    + pick(rnd, "Correct password", "MFA successfully completed",
                            "First factor requirement satisfied by claim in the token")
                    + "\",\"AuthenticationStepRequirement\":\"Primary authentication\",\"RequestSequence\":"
                    + step[0] + "}";
            return fields.add(ext, fields.nameValue("AuthenticationDetail", value));
        });
        return r;
    }

    private ObjectNode aadAdmin(Random rnd, String time, int target) {
        DirectoryPerson admin = tenant.admin();
        DirectoryPerson subject = tenant.person(rnd);
        String op = pick(rnd, "Add user.", "Update user.", "Add member to group.", "Reset user password.",
                "Add service principal.");
        ObjectNode r = fields.common(rnd, time, op, 8, "Success", admin.puid() + "@" + tenant.mailDomain(), 0,
                "AzureActiveDirectory");
        r.put("ObjectId", subject.upn());
        r.put("UserId", admin.upn());
        r.put("AzureActiveDirectoryEventType", 1);
        ArrayNode ext = r.putArray("ExtendedProperties");
        ext.add(fields.nameValue("additionalDetails", "{\"UserType\":\"Member\"}"));
        ext.add(fields.nameValue("extendedAuditEventCategory", "User"));
        ArrayNode mod = r.putArray("ModifiedProperties");
        mod.add(fields.modified("AccountEnabled", "[true]", ""));
        mod.add(fields.modified("DisplayName", fields.json(List.of(subject.displayName())), ""));
        mod.add(fields.modified("UserPrincipalName", fields.json(List.of(subject.upn())), ""));
        ArrayNode actor = r.putArray("Actor");
        actor.add(fields.idType(admin.upn(), 5));
        actor.add(fields.idType(admin.puid(), 3));
        actor.add(fields.idType("User_" + admin.objectId(), 2));
        actor.add(fields.idType(admin.objectId(), 2));
        actor.add(fields.idType("User", 2));
        r.put("ActorContextId", tenant.tenantId());
        r.put("InterSystemsId", uuid(rnd));
        r.put("IntraSystemId", uuid(rnd));
        r.put("SupportTicketId", "");
        ArrayNode tgt = r.putArray("Target");
        tgt.add(fields.idType("User_" + subject.objectId(), 2));
        tgt.add(fields.idType(subject.upn(), 5));
        tgt.add(fields.idType("User", 2));
        r.put("TargetContextId", tenant.tenantId());
        String[][] pool = {
            {"Department", "[\"Finance\"]"}, {"JobTitle", "[\"Analyste financière\"]"}, {"UsageLocation", "[\"DE\"]"},
            {"City", "[\"München\"]"}, {"Country", "[\"Deutschland\"]"}, {"StreetAddress", "[\"Königstraße 12\"]"},
            {"TelephoneNumber", "[\"+49 89 1234567\"]"}, {"Included Updated Properties", "\"Department, JobTitle\""}};
        int[] i = {0};
        fields.pad(r, target, () -> {
            if (i[0] < pool.length) {
                String[] pv = pool[i[0]++];
                return fields.add(mod, fields.modified(pv[0], pv[1], ""));
            }
            i[0]++;
            return fields.add(mod, fields.modified("AssignedLicense",
                    "[\"[SKUName=ENTERPRISEPACK, AccountId=" + uuid(rnd) + ", SkuId=" + uuid(rnd)
                            + ", DisabledPlans=[]]\"]", "[]"));
        });
        return r;
    }
}
