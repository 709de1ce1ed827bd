package io.github.o365auditcamel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

/**
 * {@code O365_LOG_FORMAT} picks the console layout of the shipped {@code log4j2.properties}: the text line by default,
 * and with {@code json} one JSON object a line with ECS's fields, the exception as strings, and nothing from the MDC.
 * An unknown format is refused naming the variable.
 */
class LogFormatTest {

    @Test
    void textUnlessJsonIsAskedForInAnyCase() {
        assertEquals("text", LogFormat.of(key -> null));
        assertEquals("json", LogFormat.of(Map.of("o365.log-format", " JSON ")::get));
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> LogFormat.of(Map.of("o365.log-format", "logfmt")::get));
        assertEquals("O365_LOG_FORMAT must be one of text, json", refused.getMessage());
    }

    @Test
    void theShippedConfigurationWritesTextLinesByDefault() throws Exception {
        Layout<?> layout = consoleLayout(null);

        assertTrue(layout instanceof PatternLayout, layout.toString());
        String line = ((PatternLayout) layout).toSerializable(event());
        String first = line.lines().findFirst().orElseThrow();
        assertTrue(first.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[progress +\\] Audit.Exchange: poll stopped"),
                line);
    }

    @Test
    void withJsonEachEventIsOneObjectWithEcsFieldsTheStackTraceAsAStringAndNoMdc() throws Exception {
        Layout<?> layout = consoleLayout("json");

        assertTrue(layout instanceof JsonTemplateLayout, layout.toString());
        String line = ((JsonTemplateLayout) layout).toSerializable(event());
        assertEquals(1, line.strip().lines().count(), line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertTrue(json.get("@timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                line);
        assertEquals("WARN", json.get("log.level").asText());
        assertEquals("o365.progress", json.get("log.logger").asText());
        assertEquals("listing-1", json.get("process.thread.name").asText());
        assertEquals("Audit.Exchange: poll stopped", json.get("message").asText());
        assertEquals("o365-audit-camel", json.get("service.name").asText());
        assertEquals("java.lang.IllegalStateException", json.get("error.type").asText());
        assertEquals("listing refused", json.get("error.message").asText());
        assertTrue(json.get("error.stack_trace").isTextual(), line);
        assertTrue(json.get("error.stack_trace").asText().contains("\tat io.github.o365auditcamel.config"), line);
        assertFalse(line.contains("mdc-value-that-must-not-show"), "an MDC value: " + line);
    }

    /** The console appender's layout, as the shipped configuration builds it with that format (null: unset). */
    private static Layout<?> consoleLayout(String format) throws Exception {
        String before = System.getProperty(LogFormat.PROPERTY);
        setFormat(format);
        try (LoggerContext context = new LoggerContext("log-format-test")) {
            ConfigurationSource source = ConfigurationSource.fromResource("log4j2.properties",
                    LogFormatTest.class.getClassLoader());
            Configuration configuration = new PropertiesConfigurationFactory().getConfiguration(context, source);
            configuration.initialize();
            return configuration.getAppender("console").getLayout();
        } finally {
            setFormat(before);
        }
    }

    private static void setFormat(String format) {
        if (format == null) {
            System.clearProperty(LogFormat.PROPERTY);
        } else {
            System.setProperty(LogFormat.PROPERTY, format);
        }
    }

    private static LogEvent event() {
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue("secret", "mdc-value-that-must-not-show");
        return Log4jLogEvent.newBuilder()
                .setLoggerName("o365.progress")
                .setLevel(Level.WARN)
                .setThreadName("listing-1")
                .setMessage(new SimpleMessage("Audit.Exchange: poll stopped"))
                .setThrown(new IllegalStateException("listing refused"))
                .setContextData(mdc)
                .setTimeMillis(System.currentTimeMillis())
                .build();
    }
}
