package io.github.o365auditcamel.kafka;

import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Takes the Kafka secrets out of a text before it is logged or printed: the JAAS configuration's passwords and
 * secrets (quoted values of {@code password=}, {@code clientSecret=} and the like) and the store and key passwords,
 * wherever a Kafka exception quotes them.
 */
public final class Secrets {

    private static final Pattern QUOTED_SECRET = Pattern.compile(
            "(?i)((?:password|secret|token|clientSecret)\\s*=\\s*)\"[^\"]*\"");

    private Secrets() {
    }

    public static String without(String text, Properties connection) {
        String clean = QUOTED_SECRET.matcher(text).replaceAll("$1\"****\"");
        for (String key : connection.stringPropertyNames()) {
            String lower = key.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("password") || lower.contains("jaas") || lower.contains("secret")) {
                String value = connection.getProperty(key);
                if (value != null && value.length() >= 3) {
                    clean = clean.replace(value, "****");
                }
            }
        }
        return clean;
    }
}
