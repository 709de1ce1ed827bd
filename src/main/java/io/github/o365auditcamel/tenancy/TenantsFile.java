package io.github.o365auditcamel.tenancy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;

/**
 * The tenants of {@code o365.tenants-file} ({@code O365_TENANTS_FILE}), read again while the collector runs: the list
 * of tenants ({@code O365_TENANTS}), each tenant's own settings ({@code O365_TENANT_<NAME>_<SETTING>}) and the
 * top-level values of those settings that the tenants share ({@code O365_CLIENT_ID}, {@code O365_CLIENT_SECRET},
 * {@code O365_CONTENT_TYPES}, ...), in either of two forms:
 * <ul>
 * <li>a properties file: {@code O365_TENANTS=contoso,fabrikam} and {@code O365_TENANT_CONTOSO_TENANT_ID=...} (or the
 * property names, {@code o365.tenants} and {@code o365.tenant.contoso.tenant-id});</li>
 * <li>a directory with a file per setting, named by it and holding its value: a Kubernetes ConfigMap (and Secret)
 * mounted as a volume, which the kubelet updates in place.</li>
 * </ul>
 * Every other setting stays where it was (the environment, {@code application.properties}); a tenant's setting that the
 * file does not set may be there too, such as a client secret from a Kubernetes Secret.
 */
public final class TenantsFile {

    public static final String SETTING = "o365.tenants-file";
    private static final String LIST = "o365.tenants";
    /** what the file may set: the list, and {@code o365.tenant.<name>.<setting>} of a tenant's settings */
    private static final Pattern PROPERTY = Pattern.compile("o365\\.tenant\\.[a-z0-9][a-z0-9-]*\\.([a-z0-9.-]+)");
    private static final Pattern VARIABLE = Pattern.compile("O365_TENANT_[A-Z0-9_]+");

    private final Path path;

    private TenantsFile(Path path) {
        this.path = path;
    }

    /**
     * The tenants file of the settings, or null when {@code o365.tenants-file} is unset.
     *
     * @throws InvalidSettingException when the file is not there, or the tenants are named elsewhere as well
     */
    public static TenantsFile of(Function<String, String> lookup) {
        String value = lookup.apply(SETTING);
        if (value == null || value.isBlank()) {
            return null;
        }
        String variable = CollectorSettings.variableOf(SETTING);
        String list = lookup.apply(LIST);
        if (list != null && !list.isBlank()) {
            throw new InvalidSettingException(variable, "is set, and so is O365_TENANTS: name the tenants in the file"
                    + " only, so that what the collector runs is what the file says");
        }
        Path path = Path.of(value.trim());
        if (!Files.isReadable(path)) {
            throw new InvalidSettingException(variable, "names no readable file or directory: " + path);
        }
        return new TenantsFile(path);
    }

    public Path path() {
        return path;
    }

    /**
     * The settings the file holds now, by name as written.
     *
     * @throws InvalidSettingException when it cannot be read, or sets what is not a tenant's setting
     */
    public Map<String, String> read() {
        Map<String, String> values = new TreeMap<>();
        try {
            if (Files.isDirectory(path)) {
                readDirectory(values);
            } else {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
                properties.forEach((key, value) -> values.put(key.toString().trim(), value.toString().trim()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (!values.containsKey(LIST) && !values.containsKey(CollectorSettings.variableOf(LIST))) {
            throw invalid("does not set O365_TENANTS, the tenants to collect (O365_TENANTS=contoso,fabrikam)");
        }
        for (String key : values.keySet()) {
            if (!isTenantSetting(key)) {
                throw invalid("sets " + key + ", which is not a tenant's setting: the file holds O365_TENANTS,"
                        + " O365_TENANT_<NAME>_<SETTING> and the tenants' shared values of those (O365_CLIENT_ID,"
                        + " O365_CLIENT_SECRET, ...) only; every other setting stays in the environment");
            }
        }
        return values;
    }

    /** A mounted ConfigMap or Secret: a file per key, beside the kubelet's own entries ({@code ..data}). */
    private void readDirectory(Map<String, String> values) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || !Files.isRegularFile(entry)) {
                    continue;
                }
                values.put(name, Files.readString(entry, StandardCharsets.UTF_8).trim());
            }
        }
    }

    private static boolean isTenantSetting(String key) {
        if (key.equals(LIST) || key.equals(CollectorSettings.variableOf(LIST)) || isShared(key)) {
            return true;
        }
        Matcher property = PROPERTY.matcher(key);
        if (property.matches()) {
            String setting = "o365." + property.group(1);
            return CollectorSettings.TENANT_SETTINGS.contains(setting)
                    || CollectorSettings.DEPLOYMENT_ONLY.contains(setting);
        }
        if (VARIABLE.matcher(key).matches()) {
            return settingSuffixes().anyMatch(suffix -> key.endsWith(suffix)
                    && key.length() > "O365_TENANT_".length() + suffix.length());
        }
        return false;
    }

    /** The top-level value of a tenant's setting, which the tenants that do not set it share (not the tenant id). */
    private static boolean isShared(String key) {
        return CollectorSettings.TENANT_SETTINGS.stream().filter(s -> !s.equals("o365.tenant-id"))
                .anyMatch(s -> s.equals(key) || CollectorSettings.variableOf(s).equals(key));
    }

    /** {@code _TENANT_ID} for {@code o365.tenant-id}: how a tenant's variable ends. */
    private static Stream<String> settingSuffixes() {
        return Stream.concat(CollectorSettings.TENANT_SETTINGS.stream(),
                CollectorSettings.DEPLOYMENT_ONLY.stream())
                .map(setting -> "_" + CollectorSettings.variableOf(setting.substring("o365.".length())));
    }

    /**
     * The lookup of every setting: the list and a tenant's settings from the file's values (by property or variable
     * name), a tenant's setting the file does not set, and every other one, as before.
     */
    public static Function<String, String> over(Function<String, String> lookup, Map<String, String> values) {
        return key -> {
            if (key.equals(LIST) || key.startsWith("o365.tenant.") || isShared(key)) {
                String value = values.get(key);
                if (value == null) {
                    value = values.get(CollectorSettings.variableOf(key));
                }
                if (value != null || key.equals(LIST)) {
                    return value;
                }
            }
            return lookup.apply(key);
        };
    }

    /** A setting set wrongly in the file, said as coming from it. */
    public InvalidSettingException inFile(InvalidSettingException e, Map<String, String> values) {
        String variable = e.variable();
        boolean fromFile = values.keySet().stream().anyMatch(key -> CollectorSettings.variableOf(key).equals(variable));
        if (!fromFile) {
            return e;
        }
        return new InvalidSettingException(variable, e.getMessage().substring(variable.length()).trim() + " (set in "
                + CollectorSettings.variableOf(SETTING) + ", " + path + ")");
    }

    private InvalidSettingException invalid(String problem) {
        return new InvalidSettingException(CollectorSettings.variableOf(SETTING), "(" + path + ") " + problem);
    }
}
