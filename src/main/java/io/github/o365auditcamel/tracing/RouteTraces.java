package io.github.o365auditcamel.tracing;

import java.util.concurrent.atomic.AtomicReference;

import io.github.o365auditcamel.config.InvalidSettingException;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code O365_TRACING=otlp}: a span for each route an exchange runs through and each endpoint it sends to
 * (camel-opentelemetry2's tracer), exported over OTLP/HTTP to where OpenTelemetry's own variables say
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_SERVICE_NAME},
 * {@code OTEL_TRACES_SAMPLER}, ...: the SDK's autoconfigure reads them). The only class of the collector that touches
 * OpenTelemetry: with tracing off it is never loaded, nor is the SDK, and Camel runs without a tracer.
 */
public final class RouteTraces extends ServiceSupport {

    /**
     * Not traced: the timers that look for due work ten times a second (an empty trace each). A trace starts where
     * they hand work on: a listing's task on its queue, a dead letter's retry on the content-refs topic.
     */
    static final String NOT_TRACED = "timer:*";

    /** The SDK's java.util.logging loggers: held, as JUL holds its loggers weakly and our handler hangs on this one. */
    private static final java.util.logging.Logger SDK_LOGS = java.util.logging.Logger.getLogger("io.opentelemetry");

    private final OpenTelemetrySdk sdk;

    private RouteTraces(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /**
     * Builds the SDK from the {@code OTEL_*} settings and installs Camel's tracer, before the routes are made.
     *
     * @throws InvalidSettingException naming an {@code OTEL_*} variable the SDK cannot use
     */
    public static void start(CamelContext context) {
        logInTheCollectorsLog();
        AtomicReference<ConfigProperties> settings = new AtomicReference<>();
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> OtlpSettings.DEFAULTS)
                    .addPropertiesCustomizer(config -> {
                        settings.set(config);
                        return OtlpSettings.check(config);
                    })
                    // flushed when Camel stops, after its last spans, rather than by a hook of its own
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw OtlpSettings.refused(e);
        }
        // camel-opentelemetry2's tracer takes these from the registry (else GlobalOpenTelemetry's, a no-op)
        context.getRegistry().bind("openTelemetryTracer", Tracer.class, sdk.getTracer("camel"));
        context.getRegistry().bind("openTelemetryPropagators", ContextPropagators.class, sdk.getPropagators());
        // services stop in the reverse order: the SDK after the tracer, flushing the last spans
        try {
            context.addService(new RouteTraces(sdk), true, true);
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setExcludePatterns(NOT_TRACED);
        tracer.init(context);
        Logger log = LoggerFactory.getLogger(RouteTraces.class);
        log.info("Traces of the routes go to {} over OTLP/HTTP, as service {}",
                OtlpSettings.endpointForLog(settings.get()), settings.get().getString("otel.service.name"));
    }

    /** The SDK's own lines in the collector's log (see {@link SdkLogLines}). */
    private static void logInTheCollectorsLog() {
        SDK_LOGS.setUseParentHandlers(false);
        if (SDK_LOGS.getHandlers().length == 0) {
            SDK_LOGS.addHandler(new SdkLogLines());
        }
    }

    @Override
    protected void doStop() {
        sdk.close();
    }
}
