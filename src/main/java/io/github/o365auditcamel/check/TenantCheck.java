package io.github.o365auditcamel.check;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.IHttpClient;
import io.github.o365auditcamel.api.ManagementApi;
import io.github.o365auditcamel.auth.NetworkFailure;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.listing.ListingWindow;
import io.github.o365auditcamel.metrics.CollectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One tenant's part of the setup check: a token from the login host, the API host answering
 * {@code subscriptions/list}, and for each configured content type its permission and subscription (a listing of
 * one short window an hour ago, which the API answers with AF10001, AF20022 or AF20023 when something is missing);
 * with gap repair on, the Microsoft Graph permission it needs ({@link GraphCheck}).
 */
final class TenantCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final CollectorSettings settings;
    private final IHttpClient loginHost;
    private final String prefix;
    private final HttpClient http;

    /**
     * @param api the deployment's client for the API host ({@link TokenProvider#proxiedHttpClient})
     * @param prefix before each check's name: the tenant's name and a colon with several tenants, else empty
     */
    TenantCheck(CollectorSettings settings, IHttpClient loginHost, HttpClient api, String prefix) {
        this.settings = settings;
        this.loginHost = loginHost;
        this.prefix = prefix;
        this.http = api;
    }

    List<CheckLine> run() {
        List<CheckLine> lines = new ArrayList<>();
        String token;
        try {
            CollectorMetrics metrics = new CollectorMetrics(new SimpleMeterRegistry(), settings.tenantName(),
                    settings.contentTypes(), Clock.systemUTC());
            token = new TokenProvider(settings, metrics, loginHost).token();
            lines.add(CheckLine.ok(prefix + "token", "app " + settings.clientId() + " signed in to tenant "
                    + settings.tenantId() + " at " + URI.create(settings.tokenEndpoint()).getHost()));
        } catch (RuntimeException e) {
            lines.add(CheckLine.fail(prefix + "token", EntraCodes.explain(e.getMessage())));
            lines.add(CheckLine.fail(prefix + "api", "not checked: no token"));
            return lines;
        }
        ManagementApi api = new ManagementApi(settings);
        Answer list = get(api.subscriptionListUri(), token);
        if (list.unreachable != null) {
            lines.add(CheckLine.fail(prefix + "api", "API host " + apiHost() + " cannot be reached from here: "
                    + list.unreachable + "; allow the service tag " + ApiCodes.SERVICE_TAG + " (HTTPS) in the"
                    + " firewall, or set O365_PROXY_URL"));
            return lines;
        }
        if (list.status != 200) {
            lines.add(CheckLine.fail(prefix + "api", "subscriptions/list: " + ApiCodes.explain(list.status,
                    list.code, list.message, null)));
            return lines;
        }
        lines.add(CheckLine.ok(prefix + "api", "API host " + apiHost() + " answers subscriptions/list"));
        Map<String, String> states = subscriptionStates(list.body);
        Instant end = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        ListingWindow window = new ListingWindow(end.minus(5, ChronoUnit.MINUTES), end);
        for (String type : settings.contentTypes()) {
            lines.add(contentType(type, states.get(type), get(api.contentListUri(type, window), token)));
        }
        if (settings.gapRepair().enabled()) {
            lines.add(GraphCheck.run(settings, loginHost, prefix));
        }
        return lines;
    }

    /** A content type's permission and subscription, from its listing's answer and the subscriptions list. */
    private CheckLine contentType(String type, String state, Answer listing) {
        String name = prefix + "subscription " + type;
        if (listing.unreachable != null) {
            return CheckLine.fail(name, "listing failed: " + listing.unreachable);
        }
        if (listing.status == 200) {
            return CheckLine.ok(name, "enabled; " + ApiCodes.permissionFor(type) + " granted");
        }
        if ("AF20022".equals(listing.code)) {
            return CheckLine.ok(name, "not started yet: the collector starts it");
        }
        String known = state == null ? "" : " (subscriptions/list: " + state + ")";
        return CheckLine.fail(name, ApiCodes.explain(listing.status, listing.code, listing.message, type) + known);
    }

    private static Map<String, String> subscriptionStates(String body) {
        Map<String, String> states = new HashMap<>();
        try {
            for (JsonNode subscription : JSON.readTree(body)) {
                states.put(subscription.path("contentType").asText(), subscription.path("status").asText());
            }
        } catch (IOException | RuntimeException e) {
            // no states: each content type's listing says enough
        }
        return states;
    }

    private String apiHost() {
        return URI.create(settings.apiUrl()).getHost();
    }

    /** An API answer: the status and the error's code and message, or why the host could not be reached. */
    private record Answer(int status, String body, String code, String message, String unreachable) {
    }

    private Answer get(String uri, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String code = null;
            String message = response.body();
            if (response.statusCode() != 200) {
                try {
                    JsonNode error = JSON.readTree(response.body()).path("error");
                    code = error.path("code").asText(null);
                    message = error.path("message").asText(message);
                } catch (IOException | RuntimeException e) {
                    message = message.strip().startsWith("<") ? "an HTML page instead of JSON" : message;
                }
            }
            return new Answer(response.statusCode(), response.body(), code, message, null);
        } catch (IOException e) {
            return new Answer(-1, null, null, null, NetworkFailure.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, null, null, null, "interrupted");
        }
    }
}
