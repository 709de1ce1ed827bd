package io.github.o365auditcamel.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import io.github.o365auditcamel.config.InvalidSettingException;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry's settings as the collector takes them: traces over OTLP/HTTP by default, and every mistake one line
 * naming the OTEL_* variable without its value, which may be an API key.
 */
class OtlpSettingsTest {

    private static InvalidSettingException refused(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(OtlpSettings.DEFAULTS);
        all.putAll(settings);
        return assertThrows(InvalidSettingException.class,
                () -> OtlpSettings.check(DefaultConfigProperties.createFromMap(all)));
    }

    @Test
    void tracesGoOverHttpProtobufAndNothingElseIsExported() {
        Map<String, String> defaults = OtlpSettings.DEFAULTS;

        assertEquals("http/protobuf", defaults.get("otel.exporter.otlp.protocol"));
        assertEquals("otlp", defaults.get("otel.traces.exporter"));
        assertEquals("none", defaults.get("otel.metrics.exporter"));
        assertEquals("none", defaults.get("otel.logs.exporter"));
        assertEquals(Map.of(), OtlpSettings.check(DefaultConfigProperties.createFromMap(defaults)));
        assertEquals("http://localhost:4318",
                OtlpSettings.endpointForLog(DefaultConfigProperties.createFromMap(defaults)));
    }

    @Test
    void anEndpointOrProtocolTheCollectorCannotUseIsNamed() {
        assertEquals("OTEL_EXPORTER_OTLP_ENDPOINT", refused(Map.of("otel.exporter.otlp.endpoint",
                "otel-collector:4318")).variable());
        assertEquals("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", refused(Map.of("otel.exporter.otlp.traces.endpoint",
                "http://otel-collector:4318/v1/traces?token=abc")).variable());
        assertEquals("OTEL_EXPORTER_OTLP_PROTOCOL", refused(Map.of("otel.exporter.otlp.protocol", "grpc"))
                .variable());
        assertEquals("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", refused(Map.of("otel.exporter.otlp.traces.protocol",
                "http/json")).variable());
    }

    @Test
    void theLogShowsTheEndpointWithoutItsUserInfo() {
        Map<String, String> settings = new HashMap<>(OtlpSettings.DEFAULTS);
        settings.put("otel.exporter.otlp.endpoint", "https://user:p4ssw0rd@otel.example.com:4318");

        assertEquals("https://otel.example.com:4318",
                OtlpSettings.endpointForLog(DefaultConfigProperties.createFromMap(settings)));
    }

    @Test
    void aRefusalOfTheSdksNamesThePropertyButNeverShowsTheValue() {
        InvalidSettingException headers = OtlpSettings.refused(new ConfigurationException(
                "Invalid map property: otel.exporter.otlp.headers=Authorization=Bearer api-key-1234"));
        InvalidSettingException decoding = OtlpSettings.refused(new ConfigurationException(
                "Cannot decode header value: api-key-%zz"));

        assertEquals("OTEL_EXPORTER_OTLP_HEADERS", headers.variable());
        assertFalse(headers.getMessage().contains("api-key"), headers.getMessage());
        assertEquals("O365_TRACING", decoding.variable());
        assertTrue(decoding.getMessage().endsWith("Cannot decode header value"), decoding.getMessage());
        assertFalse(decoding.getMessage().contains("api-key"), decoding.getMessage());
    }
}
