package io.github.o365auditcamel.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one tenant's settings (or the top level's) and checks each as it reads it: a value that is missing or
 * malformed is an {@link InvalidSettingException} naming its environment variable, never echoing the value. A tenant's
 * own setting ({@code o365.tenant.<name>.<key>}) wins over the top-level one, except for the tenant id, which is always
 * the tenant's.
 */
final class SettingsReader {
    private final Function<String, String> lookup;
    private final String tenantName;

    /** @param tenantName the tenant of {@code o365.tenants} whose settings are read, or null for the top level */
    SettingsReader(Function<String, String> lookup, String tenantName) {
        this.lookup = lookup;
        this.tenantName = tenantName;
    }

    /**
     * The property that sets this value: the tenant's own ({@code o365.tenant.contoso.client-id}) when it is set,
     * and always for the tenant id; else the top-level one.
     */
    String effective(String property) {
        if (tenantName == null || !CollectorSettings.TENANT_SETTINGS.contains(property)) {
            return property;
        }
        String own = CollectorSettings.tenantKey(tenantName, property);
        String v = lookup.apply(own);
        return (v != null && !v.isBlank()) || property.equals("o365.tenant-id") ? own : property;
    }

    /** Whether the tenant sets this value itself (rather than taking the top-level one). */
    boolean isOwn(String property) {
        return tenantName != null && !effective(property).equals(property);
    }

    /** The environment variable that sets this value, for messages. */
    String source(String property) {
        return CollectorSettings.variableOf(effective(property));
    }

    Path path(String property) {
        String v = value(property);
        if (v == null) {
            return null;
        }
        Path path = Path.of(v);
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw invalid(property, "names no readable file");
        }
        return path;
    }

    /**
     * A proxy URL, {@code http(s)://[user:password@]host:port}, or null when unset. The environment's
     * {@code HTTPS_PROXY} is not taken on its own: set {@code O365_PROXY_URL=$HTTPS_PROXY} to use it.
     */
    URI proxy(String property) {
        String v = value(property);
        String source = CollectorSettings.variableOf(property);
        if (v == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(v.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(source, "is not a URL (http://host:port)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getPort() < 0) {
            // no value in the message: it may carry a password
            throw new InvalidSettingException(source, "must be a proxy URL such as http://proxy.example.com:3128"
                    + " (scheme, host and port)");
        }
        return uri;
    }

    String value(String property) {
        String v = lookup.apply(effective(property));
        return v == null || v.isBlank() ? null : v.trim();
    }

    InvalidSettingException invalid(String property, String problem) {
        return new InvalidSettingException(source(property), problem);
    }

    String guid(String property, String defaultValue) {
        String v = value(property);
        if (v == null) {
            if (defaultValue == null) {
                throw invalid(property, "is required but not set (a GUID such as 6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b)");
            }
            return defaultValue;
        }
        if (!CollectorSettings.GUID.matcher(v).matches()) {
            throw invalid(property, "must be a GUID such as 6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    Cloud cloud(String property) {
        String v = value(property);
        if (v == null) {
            return Cloud.ENTERPRISE;
        }
        try {
            return Cloud.fromSetting(v);
        } catch (IllegalArgumentException e) {
            throw invalid(property, "must be one of " + Cloud.names());
        }
    }

    String url(String property, String defaultValue, boolean httpsOnly) {
        String v = value(property);
        if (v == null) {
            return defaultValue;
        }
        URI uri;
        try {
            uri = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw invalid(property, "is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw invalid(property, "must be an absolute http(s) URL such as https://manage.office.com");
        }
        if (httpsOnly && !scheme.equals("https")) {
            throw invalid(property, "must be an https URL such as https://login.microsoftonline.com");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(property, "must not carry a query or fragment");
        }
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }

    List<String> contentTypes(String property) {
        String v = value(property);
        if (v == null) {
            return CollectorSettings.ALL_CONTENT_TYPES;
        }
        Set<String> types = new LinkedHashSet<>();
        for (String part : v.split(",")) {
            String wanted = part.trim();
            if (wanted.isEmpty()) {
                continue;
            }
            String known = CollectorSettings.ALL_CONTENT_TYPES.stream().filter(t -> t.equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> invalid(property, "names an unknown content type '" + wanted
                            + "'; known: " + String.join(", ", CollectorSettings.ALL_CONTENT_TYPES)));
            types.add(known);
        }
        if (types.isEmpty()) {
            throw invalid(property, "names no content type; known: " + String.join(", ", CollectorSettings.ALL_CONTENT_TYPES));
        }
        return List.copyOf(new ArrayList<>(types));
    }

    Duration duration(String property, Duration minimum) {
        return duration(property, minimum, null);
    }

    /** A duration within {@code minimum} and {@code maximum} (null: no maximum). */
    Duration duration(String property, Duration minimum, Duration maximum) {
        String v = value(property);
        Duration d;
        try {
            d = Durations.parse(v == null ? SettingsDefaults.required(property) : v);
        } catch (IllegalArgumentException e) {
            throw invalid(property, "must be a duration such as 30s, 5m, 12h or 7d");
        }
        if (d.compareTo(minimum) < 0) {
            throw invalid(property, "must be at least " + minimum.toString().substring(2).toLowerCase(Locale.ROOT)
                   );
        }
        if (maximum != null && d.compareTo(maximum) > 0) {
            throw invalid(property, "must be at most " + maximum.toString().substring(2).toLowerCase(Locale.ROOT));
        }
        return d;
    }

    String topicName(String property, boolean prefix) {
        String v = lookup.apply(effective(property));
        // a prefix may deliberately be empty; a topic name may not
        if (v == null || (!prefix && v.isBlank())) {
            v = SettingsDefaults.required(property);
        }
        v = v.trim();
        if (!CollectorSettings.TOPIC_CHARS.matcher(v).matches() || v.length() > 200) {
            throw invalid(property, "may only contain letters, digits, '.', '_' and '-' (at most 200)");
        }
        return v;
    }

    /** Default: the host name, which is the pod name on Kubernetes; stable across restarts of one instance. */
    String instanceId(String property) {
        String v = value(property);
        if (v == null) {
            v = hostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return v.length() > 100 ? v.substring(0, 100) : v;
        }
        if (!CollectorSettings.INSTANCE_ID.matcher(v).matches()) {
            throw invalid(property, "may only contain letters, digits, '.', '_' and '-' (at most 100)");
        }
        return v;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "collector";
        }
    }

    int integer(String property, int min, int max) {
        return (int) longInteger(property, min, max);
    }

    long longInteger(String property, long min, long max) {
        String v = value(property);
        if (v == null) {
            v = SettingsDefaults.required(property);
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(property, "must be a whole number from " + min + " to " + max);
    }

    String oneOf(String property, List<String> allowed) {
        String v = value(property);
        if (v == null) {
            v = SettingsDefaults.required(property);
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw invalid(property, "must be one of " + String.join(", ", allowed));
        }
        return lower;
    }

    String brokers(String property, String defaultValue) {
        String v = value(property);
        if (v == null) {
            return defaultValue;
        }
        for (String broker : v.split(",")) {
            if (!CollectorSettings.BROKER.matcher(broker.trim()).matches()) {
                throw invalid(property, "must be a comma-separated list of host:port");
            }
        }
        return v.replace(" ", "");
    }
}
