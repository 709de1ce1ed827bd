package io.github.o365auditcamel.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.camel.spi.RouteTemplateParameterSource;

/**
 * One listing route per configured content type, made from the {@code list-content} route template in
 * {@code routes/list-content.camel.yaml}: adding a content type is configuration, not a copied route.
 * Route ids read {@code list-content-audit-exchange}, {@code list-content-dlp-all}, and so on.
 */
public class ContentTypeRoutes implements RouteTemplateParameterSource {

    public static final String LIST_CONTENT_TEMPLATE = "list-content";

    private final Map<String, String> contentTypeByRouteId = new LinkedHashMap<>();

    public ContentTypeRoutes(List<String> contentTypes) {
        for (String contentType : contentTypes) {
            contentTypeByRouteId.put(routeIdFor(contentType), contentType);
        }
    }

    public static String routeIdFor(String contentType) {
        return LIST_CONTENT_TEMPLATE + "-" + contentType.toLowerCase(Locale.ROOT).replace('.', '-');
    }

    @Override
    public Set<String> routeIds() {
        return contentTypeByRouteId.keySet();
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        String contentType = contentTypeByRouteId.get(routeId);
        return Map.of(TEMPLATE_ID, LIST_CONTENT_TEMPLATE, "contentType", contentType);
    }
}
