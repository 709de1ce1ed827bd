package io.github.o365auditcamel.tracing;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;

/**
 * OpenTelemetry's own settings ({@code OTEL_*}, read by the SDK's autoconfigure) as the collector takes them: its
 * defaults, and the checks that make a mistake one line naming the variable, never echoing a value (the OTLP headers
 * carry API keys).
 */
final class OtlpSettings {

    static final String HTTP_PROTOBUF = "http/protobuf";

    /** Under the environment and system properties: traces only (metrics are Prometheus's, logs the console's). */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.service.name", "o365-audit-camel",
            "otel.traces.exporter", "otlp",
            "otel.exporter.otlp.protocol", HTTP_PROTOBUF,
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");

    private static final Pattern PROPERTY = Pattern.compile("otel(\\.[a-z0-9_-]+)+");

    private OtlpSettings() {
    }

    /**
     * Checks the endpoint and protocol the spans go to, as the SDK sees them (environment over system properties over
     * {@link #DEFAULTS}), before it builds anything.
     *
     * @return no overrides
     * @throws InvalidSettingException naming the variable
     */
    static Map<String, String> check(ConfigProperties config) {
        String protocol = setting(config, "protocol");
        if (!HTTP_PROTOBUF.equals(config.getString(protocol))) {
            throw new InvalidSettingException(CollectorSettings.variableOf(protocol), "must be " + HTTP_PROTOBUF
                    + ": the collector sends its spans over HTTP (no gRPC)");
        }
        String endpoint = setting(config, "endpoint");
        String url = config.getString(endpoint);
        if (url != null && !isHttpUrl(url)) {
            throw new InvalidSettingException(CollectorSettings.variableOf(endpoint), "must be an http(s) URL"
                    + " without a query, such as http://otel-collector:4318");
        }
        return Map.of();
    }

    /** The endpoint spans go to, without any user info, for the log; the SDK's default when none is set. */
    static String endpointForLog(ConfigProperties config) {
        String url = config.getString(setting(config, "endpoint"));
        if (url == null) {
            return "http://localhost:4318";
        }
        URI uri = URI.create(url.trim());
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /**
     * A refusal of the SDK's as one line naming the variable: the property its message names, or else O365_TRACING
     * with what the message says before any value (a value is never shown: it may be a header with an API key).
     */
    static InvalidSettingException refused(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher property = PROPERTY.matcher(message);
        if (property.find()) {
            return new InvalidSettingException(CollectorSettings.variableOf(property.group()),
                    "is refused by OpenTelemetry's SDK (its value is not shown: it may be a secret)");
        }
        String withoutValue = message.split("[:=]", 2)[0].trim();
        return new InvalidSettingException("O365_TRACING", "is otlp, but OpenTelemetry's SDK refuses its OTEL_*"
                + " settings: " + withoutValue);
    }

    /** The traces' own property ({@code otel.exporter.otlp.traces.endpoint}) when set, else the general one. */
    private static String setting(ConfigProperties config, String name) {
        String own = "otel.exporter.otlp.traces." + name;
        return config.getString(own) != null ? own : "otel.exporter.otlp." + name;
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
