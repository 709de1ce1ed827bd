package io.github.o365auditcamel.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The defaults of the settings, written in one place: the {@code application.properties} that ships beside the jar and
 * is packed into it. camel-main reads a user's {@code ./application.properties} over the packed one, so a setting a
 * user leaves out, or leaves empty, takes its value from here; {@link SettingsReader} does the same for a lookup that
 * has no value (a tenants file, the tests). No Java code writes a default of its own.
 */
final class SettingsDefaults {

    private static final String PACKED = "application.properties";
    private static final Properties DEFAULTS = load();

    private SettingsDefaults() {
    }

    /** The packed default of a setting ({@code o365.poll-interval} is {@code 1m}), or null when it has none. */
    static String of(String property) {
        String v = DEFAULTS.getProperty(property);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The packed default of a setting that must have one: its absence is a mistake in the shipped file. */
    static String required(String property) {
        String v = of(property);
        if (v == null) {
            throw new IllegalStateException("the packed " + PACKED + " gives no default for " + property);
        }
        return v;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = SettingsDefaults.class.getClassLoader().getResourceAsStream(PACKED)) {
            if (in == null) {
                throw new IllegalStateException(PACKED + " is not packed in the jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
