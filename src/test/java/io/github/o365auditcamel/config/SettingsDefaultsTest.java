package io.github.o365auditcamel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * A setting's default is written once, in the shipped {@code application.properties}: the collector reads it from there
 * ({@link SettingsDefaults}), and docs/configuration.md, which users read, says the same for every setting it has.
 */
class SettingsDefaultsTest {

    @Test
    void theUsersTableOfSettingsGivesEveryDefaultAsTheShippedFileDoes() throws IOException {
        Map<String, String> defaults = shippedDefaults();
        String page = Files.readString(Path.of("docs/configuration.md"));
        List<String> wrong = new ArrayList<>();
        defaults.forEach((property, value) -> {
            String variable = CollectorSettings.variableOf(property);
            String row = page.lines().filter(l -> l.startsWith("| ") && firstCell(l).contains("`" + variable + "`"))
                    .findFirst().orElse(null);
            if (row == null) {
                wrong.add(variable + " (" + property + " = " + value + ") is not in docs/configuration.md");
            } else if (!lastCell(row).contains("`" + value + "`")) {
                wrong.add(variable + ": docs/configuration.md says " + lastCell(row).trim() + ", application.properties "
                        + value);
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void theCollectorTakesItsDefaultsFromTheShippedFile() {
        Map<String, String> unset = Map.of("o365.tenant-id", "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b",
                "o365.client-id", "0b1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b", "o365.client-secret", "s");
        CollectorSettings settings = CollectorSettings.from(unset::get);
        assertEquals("1m", SettingsDefaults.of("o365.poll-interval"));
        assertEquals(java.time.Duration.ofMinutes(1), settings.pollInterval());
        assertEquals(SettingsDefaults.of("o365.content-refs-topic"), settings.contentRefsTopic());
        assertEquals(Integer.parseInt(SettingsDefaults.of("o365.fetch-concurrency")), settings.fetchConcurrency());
        assertEquals(SettingsDefaults.of("kafka.brokers"), settings.kafkaBrokers());
    }

    /** The collector's settings that application.properties gives a value (Camel's own are Camel's to document). */
    private static Map<String, String> shippedDefaults() throws IOException {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(in);
        }
        Map<String, String> defaults = new TreeMap<>();
        for (String key : shipped.stringPropertyNames()) {
            String value = shipped.getProperty(key).trim();
            if ((key.startsWith("o365.") || key.startsWith("kafka.")) && !value.isEmpty()) {
                defaults.put(key, value);
            }
        }
        assertTrue(defaults.size() > 30, "application.properties read from the project's root: " + defaults.keySet());
        return defaults;
    }

    private static String firstCell(String row) {
        return row.split("\\|")[1];
    }

    private static String lastCell(String row) {
        String[] cells = row.split("\\|"); // the empty string after the closing '|' is dropped
        return cells[cells.length - 1];
    }
}
