package io.github.o365auditcamel.tracing;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry's SDK logs through java.util.logging (an export that fails: a few a minute at most): its lines go to
 * the collector's log, in its format (text or JSON) rather than on stderr, and one line each, like the collector's own
 * failures; the SDK's message already says the exception's, which is named, not printed with its stack.
 */
final class SdkLogLines extends Handler {

    private final Formatter messages = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
        String name = record.getLoggerName() == null ? "io.opentelemetry" : record.getLoggerName();
        Logger log = LoggerFactory.getLogger(name);
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            if (log.isErrorEnabled()) {
                log.error(line(record));
            }
        } else if (level >= Level.WARNING.intValue()) {
            if (log.isWarnEnabled()) {
                log.warn(line(record));
            }
        } else if (level >= Level.INFO.intValue()) {
            if (log.isInfoEnabled()) {
                log.info(line(record));
            }
        } else if (log.isDebugEnabled()) {
            log.debug(line(record));
        }
    }

    private String line(LogRecord record) {
        String message = messages.formatMessage(record);
        return record.getThrown() == null ? message : message + " (" + record.getThrown().getClass().getName() + ")";
    }

    @Override
    public void flush() {
        // every line is handed on at once
    }

    @Override
    public void close() {
        // nothing held
    }
}
