package io.github.o365auditcamel.check;

import java.util.Map;

/** What a Management Activity API error answer means for the setup, in one line. */
final class ApiCodes {

    /** The service tag a firewall allows for the API host. */
    static final String SERVICE_TAG = "AzureFrontDoor.MicrosoftSecurity";

    private static final String AUDIT_OFF = "the tenant is not known to the audit service: turn on auditing"
            + " (Microsoft Purview, Audit; it can take hours to apply) and check O365_TENANT_ID";

    private static final Map<String, String> MEANING = Map.of(
            "AF20010", "the tenant id does not match the tenant of the token: check O365_TENANT_ID",
            "AF20011", AUDIT_OFF,
            "AF20012", "the tenant is incorrectly configured in the audit service (is auditing turned on?)",
            "AF20013", "the tenant id is not a GUID: set O365_TENANT_ID to the tenant's GUID",
            "AF20020", "the content type is not valid: check O365_CONTENT_TYPES",
            "AF429", "throttled: try again in a minute",
            "AF20023", "the subscription was disabled by an admin: the collector starts it again when it runs;"
                    + " if it was disabled on purpose, take the content type out of O365_CONTENT_TYPES",
            "AF20022", "no subscription yet: the collector starts it");

    private ApiCodes() {
    }

    /** The permission a content type needs. */
    static String permissionFor(String contentType) {
        return "DLP.All".equals(contentType) ? "ActivityFeed.ReadDlp" : "ActivityFeed.Read";
    }

    /**
     * One line for an error answer: {@code contentType} null for the subscriptions list (which needs
     * ActivityFeed.Read), else the content type asked for.
     */
    static String explain(int status, String code, String message, String contentType) {
        if ("AF10001".equals(code)) {
            String permission = contentType == null ? "ActivityFeed.Read" : permissionFor(contentType);
            return "AF10001: the app lacks " + permission + ": add it as an application permission of the Office"
                    + " 365 Management APIs in the app registration, and grant admin consent";
        }
        if (code != null && MEANING.containsKey(code)) {
            return code + ": " + MEANING.get(code);
        }
        String text = message == null ? "" : message;
        if (text.contains("does not exist") && text.toLowerCase(java.util.Locale.ROOT).contains("tenant")) {
            return AUDIT_OFF;
        }
        if (status == 401) {
            return "HTTP 401: the API refused the token (" + abbreviate(text) + "): check O365_CLOUD and"
                    + " O365_API_URL";
        }
        return "HTTP " + status + (code == null ? "" : " " + abbreviate(code)) + ": " + abbreviate(text);
    }

    private static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
