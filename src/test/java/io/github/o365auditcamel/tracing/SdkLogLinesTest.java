package io.github.o365auditcamel.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.LogRecord;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A line of OpenTelemetry's SDK (java.util.logging) is one line of the collector's log: its logger, its level, its
 * message with the exception named rather than its stack printed.
 */
class SdkLogLinesTest {

    /** The logger the SDK reports a failed export on (named so: inside an appender, LOGGER is log4j's own). */
    private static final String EXPORTER = "io.opentelemetry.exporter.internal.http.HttpExporter";

    private final List<LogEvent> events = Collections.synchronizedList(new ArrayList<>());
    private AbstractAppender capture;

    @BeforeEach
    void captureTheExportersLines() {
        capture = new AbstractAppender("sdk-lines", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLoggerName().equals(EXPORTER)) {
                    events.add(event.toImmutable());
                }
            }
        };
        capture.start();
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        logging.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        logging.getConfiguration().getRootLogger().removeAppender(capture.getName());
        logging.updateLoggers();
        capture.stop();
    }

    @Test
    void aFailedExportIsOneErrorLineNamingTheException() {
        LogRecord record = new LogRecord(java.util.logging.Level.SEVERE,
                "Failed to export spans. The request could not be executed. Full error message: {0}");
        record.setLoggerName(EXPORTER);
        record.setParameters(new Object[] {"Connection refused"});
        record.setThrown(new ConnectException("Connection refused"));

        new SdkLogLines().publish(record);

        assertEquals(1, events.size());
        LogEvent line = events.get(0);
        assertEquals(Level.ERROR, line.getLevel());
        assertEquals("Failed to export spans. The request could not be executed. Full error message: Connection"
                + " refused (java.net.ConnectException)", line.getMessage().getFormattedMessage());
        assertNull(line.getThrown(), "no stack trace");
    }
}
