package io.github.o365auditcamel.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.publish.DeadLetterRetries;
import org.apache.camel.spi.RouteTemplateParameterSource;

/**
 * The routes each tenant has of its own, made from the route templates in {@code routes/}: adding a tenant (or a
 * content type) is configuration, not a copied route. Per tenant: {@code start-subscriptions}, one
 * {@code list-content} per content type and {@code retry-dead-letters}. The fetchers are every tenant's: one route,
 * {@code fetch-content-refs}. They are thin: each
 * names its tenant in the exchange variable {@code tenant} and hands on to the shared stages ({@code direct:}), which
 * reload live when their files are edited.
 * <p>
 * Route ids: {@code list-content-audit-exchange}, {@code retry-dead-letters}, ... for the one tenant of a configuration
 * without {@code o365.tenants}; {@code list-content-contoso-audit-exchange}, {@code retry-dead-letters-contoso}, ...
 * with tenants.
 */
public class TenantRoutes implements RouteTemplateParameterSource {

    public static final String START_SUBSCRIPTIONS_TEMPLATE = "start-subscriptions";
    public static final String LIST_CONTENT_TEMPLATE = "list-content";
    public static final String RETRY_DEAD_LETTERS_TEMPLATE = "retry-dead-letters";

    private final Map<String, Map<String, Object>> parametersByRouteId = new LinkedHashMap<>();

    public TenantRoutes(List<CollectorSettings> tenants) {
        for (CollectorSettings tenant : tenants) {
            String name = tenant.tenantName();
            add(routeId(START_SUBSCRIPTIONS_TEMPLATE, name), START_SUBSCRIPTIONS_TEMPLATE, Map.of(
                    "tenant", name));
            for (String contentType : tenant.contentTypes()) {
                add(listingRouteId(name, contentType), LIST_CONTENT_TEMPLATE, Map.of(
                        "tenant", name,
                        "contentType", contentType,
                        "listingLeadership", tenant.listingLeadership(),
                        "pollIntervalMillis", String.valueOf(tenant.pollInterval().toMillis())));
            }
            add(routeId(RETRY_DEAD_LETTERS_TEMPLATE, name), RETRY_DEAD_LETTERS_TEMPLATE, Map.of(
                    "tenant", name,
                    "retryGroup", "o365-audit-camel." + tenant.tenantId() + ".deadletter-retries",
                    "maxPollIntervalMillis", String.valueOf(DeadLetterRetries.maxPollIntervalMillis(tenant))));
        }
    }

    private void add(String routeId, String templateId, Map<String, Object> parameters) {
        Map<String, Object> all = new LinkedHashMap<>(parameters);
        all.put(TEMPLATE_ID, templateId);
        parametersByRouteId.put(routeId, all);
    }

    /** A tenant's route from a template: the template's id, with the tenant's name unless it is the only tenant. */
    public static String routeId(String templateId, String tenant) {
        return CollectorSettings.DEFAULT_TENANT.equals(tenant) ? templateId : templateId + "-" + tenant;
    }

    /** {@code list-content-audit-exchange}, or {@code list-content-contoso-audit-exchange} with tenants. */
    public static String listingRouteId(String tenant, String contentType) {
        return routeId(LIST_CONTENT_TEMPLATE, tenant) + "-" + contentType.toLowerCase(Locale.ROOT).replace('.', '-');
    }

    @Override
    public Set<String> routeIds() {
        return parametersByRouteId.keySet();
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        return parametersByRouteId.get(routeId);
    }
}
