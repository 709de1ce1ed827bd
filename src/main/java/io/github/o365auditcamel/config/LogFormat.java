package io.github.o365auditcamel.config;

import java.util.List;
import java.util.function.Function;

/**
 * How log lines look, {@code o365.log-format} ({@code O365_LOG_FORMAT}): {@code text}, a line for people, or
 * {@code json}, one JSON object a line for Loki, Elastic or Splunk. Log4j is configured at the first log line, before
 * camel-main reads its properties, so this one setting is checked, and handed to log4j as the system property of the
 * same name (which {@code log4j2.properties} selects the layout by), before anything logs.
 */
public final class LogFormat {

    public static final String PROPERTY = "o365.log-format";
    public static final String JSON = "json";
    private static final List<String> FORMATS = List.of("text", JSON);

    private LogFormat() {
    }

    /**
     * The format the settings ask for; when unset, the packed {@code application.properties}'s ({@code text}).
     *
     * @throws InvalidSettingException naming {@code O365_LOG_FORMAT} when it is neither
     */
    public static String of(Function<String, String> lookup) {
        return new SettingsReader(lookup, null).oneOf(PROPERTY, FORMATS);
    }

    /** Checks the setting and hands it to log4j. Call it before anything logs. */
    public static String apply(Function<String, String> lookup) {
        String format = of(lookup);
        System.setProperty(PROPERTY, format);
        return format;
    }

    /** Whether log lines are JSON objects (after {@link #apply}). */
    public static boolean isJson() {
        return JSON.equals(System.getProperty(PROPERTY));
    }
}
