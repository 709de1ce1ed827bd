package io.github.o365auditcamel.simulator;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Map;

import static io.github.o365auditcamel.simulator.ApiResponses.apiError;
import static io.github.o365auditcamel.simulator.ManagementApiSimulator.ALL_CONTENT_TYPES;
import static io.github.o365auditcamel.simulator.RequestSyntax.isBlank;

/**
 * The checks the API's content operations share (start, listings, notifications, blob downloads): a valid
 * {@code contentType} parameter, the permission the content type needs, an enabled subscription. Each answers the
 * error itself.
 */
final class ApiChecks {

    private ApiChecks() {
    }

    /** Answers AF10001 when the content type's permission is withheld in t, and returns false; true otherwise. */
    static boolean requirePermission(HttpExchange ex, SimulatedTenant t, String type) throws IOException {
        if (!t.withheldPermissions.contains(type)) {
            return true;
        }
        String needed = type.equals("DLP.All") ? "ActivityFeed.ReadDlp" : "ActivityFeed.Read";
        apiError(ex, 401, "AF10001", "The permission set (" + (needed.equals("ActivityFeed.Read") ? ""
                : "ActivityFeed.Read") + ") sent in the request does not include the expected permission " + needed
                + ".");
        return false;
    }

    /** Validates contentType; on failure answers and returns null. */
    static String contentTypeParameter(HttpExchange ex, Map<String, String> q) throws IOException {
        String raw = q.get("contenttype");
        if (isBlank(raw)) {
            apiError(ex, 400, "AF20001", "Missing parameter: contentType.");
            return null;
        }
        for (String type : ALL_CONTENT_TYPES) {
            if (type.equalsIgnoreCase(raw.trim())) {
                return type;
            }
        }
        apiError(ex, 400, "AF20020", "The specified content type is not valid.");
        return null;
    }

    /** Answers AF20022/AF20023 unless t's subscription is enabled. */
    static boolean requireEnabled(HttpExchange ex, SimulatedTenant t, String type) throws IOException {
        String status = t.subscriptions.get(type);
        if (status == null) {
            apiError(ex, 400, "AF20022", "No subscription found for the specified content type.");
            return false;
        }
        if (!status.equals("enabled")) {
            apiError(ex, 400, "AF20023", "The subscription was disabled by a tenant admin.");
            return false;
        }
        return true;
    }
}
