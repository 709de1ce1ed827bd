package io.github.o365auditcamel.check;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.IHttpClient;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One tenant's gap repair check, when {@code O365_GAP_REPAIR=graph}: a Microsoft Graph token, and in it (its
 * {@code roles} claim, the application permissions granted with admin consent) the audit log query permission,
 * {@code AuditLogsQuery.Read.All} or a per-service {@code AuditLogsQuery-<service>.Read.All}. Nothing is queried.
 */
final class GraphCheck {

    static final String PERMISSION = "AuditLogsQuery.Read.All";
    private static final Pattern PER_SERVICE = Pattern.compile("AuditLogsQuery-[A-Za-z]+\\.Read\\.All");
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphCheck() {
    }

    static CheckLine run(CollectorSettings settings, IHttpClient loginHost, String prefix) {
        String name = prefix + "gap repair";
        String token;
        try {
            CollectorMetrics metrics = new CollectorMetrics(new SimpleMeterRegistry(), settings.tenantName(),
                    settings.contentTypes(), Clock.systemUTC());
            token = TokenProvider.forGraph(settings, metrics, loginHost).token();
        } catch (RuntimeException e) {
            return CheckLine.fail(name, "no Microsoft Graph token: " + EntraCodes.explain(e.getMessage()));
        }
        List<String> roles = roles(token);
        List<String> audit = roles.stream().filter(r -> r.equals(PERMISSION) || PER_SERVICE.matcher(r).matches())
                .toList();
        if (audit.isEmpty()) {
            return CheckLine.fail(name, "the app lacks Microsoft Graph's application permission " + PERMISSION
                    + " (granted: " + (roles.isEmpty() ? "none" : String.join(", ", roles)) + "): add it to the app"
                    + " registration and grant admin consent, or set O365_GAP_REPAIR=off");
        }
        return CheckLine.ok(name, "Microsoft Graph token with " + String.join(", ", audit)
                + ": gaps past 7 days are queried at " + settings.gapRepair().queriesUrl());
    }

    /** The {@code roles} claim of a JWT access token; empty when it has none or is not a JWT. */
    static List<String> roles(String token) {
        List<String> roles = new ArrayList<>();
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return roles;
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            claims.path("roles").forEach(role -> roles.add(role.asText()));
        } catch (java.io.IOException | IllegalArgumentException e) {
            // not a JWT: no roles to read
        }
        return roles;
    }
}
