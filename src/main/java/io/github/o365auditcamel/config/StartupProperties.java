package io.github.o365auditcamel.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Function;

/**
 * A setting read before Camel starts, where Camel's properties component will find it, in the same order: the
 * environment variable ({@code O365_LOG_FORMAT}), the JVM system property ({@code -Do365.log-format=json}), then
 * {@code ./application.properties}; unset, {@link SettingsReader} takes the packed file's default. For what must be
 * known before anything logs.
 */
public final class StartupProperties implements Function<String, String> {

    private final Properties file;

    private StartupProperties(Properties file) {
        this.file = file;
    }

    /** The settings of the environment, the JVM and the working directory's application.properties (if any). */
    public static StartupProperties read() {
        Properties file = new Properties();
        Path path = Path.of("application.properties");
        if (Files.isRegularFile(path)) {
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                // Camel reads the file next, and says what is wrong with it
            }
        }
        return new StartupProperties(file);
    }

    @Override
    public String apply(String property) {
        String env = System.getenv(CollectorSettings.variableOf(property));
        if (env != null) {
            return env;
        }
        String system = System.getProperty(property);
        return system != null ? system : file.getProperty(property);
    }
}
