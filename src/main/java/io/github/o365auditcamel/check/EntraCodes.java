package io.github.o365auditcamel.check;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a refused or failed token request means, in one line: the AADSTS code's meaning and what to change. */
final class EntraCodes {

    private static final Pattern CODE = Pattern.compile("AADSTS\\d+");

    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("AADSTS7000215", "wrong client secret: set O365_CLIENT_SECRET to the secret's Value"
                    + " (not its Secret ID)"),
            Map.entry("AADSTS7000222", "the client secret has expired: create a new one in the app registration"
                    + " and set O365_CLIENT_SECRET"),
            Map.entry("AADSTS700016", "no app with this client id in the tenant: check O365_CLIENT_ID and"
                    + " O365_TENANT_ID (and that an admin consented to the app in this tenant)"),
            Map.entry("AADSTS90002", "tenant not found: check O365_TENANT_ID (and O365_CLOUD for a government"
                    + " cloud)"),
            Map.entry("AADSTS900023", "the tenant id is not valid: set O365_TENANT_ID to the tenant's GUID"),
            Map.entry("AADSTS700027", "the certificate was not accepted: upload it (its public part) to the app"
                    + " registration, or check O365_CLIENT_CERTIFICATE"),
            Map.entry("AADSTS700024", "the client assertion is outside its valid time: check this machine's clock"),
            Map.entry("AADSTS500011", "the Office 365 Management APIs are not known in this tenant: an admin must"
                    + " grant consent to the app's API permissions"),
            Map.entry("AADSTS7000112", "the app is disabled in this tenant: an admin must enable it"),
            Map.entry("AADSTS53003", "blocked by a Conditional Access policy: ask the tenant's admins to exempt the"
                    + " app"),
            Map.entry("AADSTS7000218", "no credential was sent: set O365_CLIENT_SECRET or O365_CLIENT_CERTIFICATE"));

    private EntraCodes() {
    }

    /** The AADSTS code in a token failure's message, or null. */
    static String codeIn(String message) {
        Matcher m = CODE.matcher(String.valueOf(message));
        return m.find() ? m.group() : null;
    }

    /** One line from a token failure's message (TokenRequestException): the code and its meaning, or the network. */
    static String explain(String message) {
        String text = String.valueOf(message);
        String code = codeIn(text);
        if (code != null) {
            String meaning = MEANING.get(code);
            return meaning != null ? code + ": " + meaning : text;
        }
        if (text.contains("unreachable") || text.contains("did not answer")) {
            return text + " (the login host cannot be reached from here: check DNS, the firewall or O365_PROXY_URL)";
        }
        return text;
    }
}
