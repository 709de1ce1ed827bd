package io.github.o365auditcamel;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import io.github.o365auditcamel.check.SetupCheck;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.history.ReplayCommand;
import io.github.o365auditcamel.config.LogFormat;
import io.github.o365auditcamel.config.StartupProperties;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.kafka.KafkaEnvironmentVariables;
import io.github.o365auditcamel.kafka.KafkaSettingsCheck;
import io.github.o365auditcamel.routes.RoutesSourceSync;
import io.github.o365auditcamel.tracing.RouteTraces;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.LoggerFactory;

/**
 * Starts the collector: camel-main with {@code ./application.properties} (over the defaults packed in the jar) and
 * the YAML routes under {@code ./routes}. A bad setting stops it before anything connects, with one line that
 * names the setting and exit status 2. With {@code --check} it checks the setup instead ({@link SetupCheck}). No
 * logger is a static field here: log4j is configured at the first one, which must come after the log format is known.
 */
public final class Application {

    static final int EXIT_BAD_SETTING = 2;

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        // first of all, before anything logs: log4j's layout, text or JSON (O365_LOG_FORMAT)
        try {
            LogFormat.apply(StartupProperties.read());
        } catch (InvalidSettingException e) {
            refuse(e);
        }
        // a proxy's Basic credentials are also answered for HTTPS tunnels (the login host through O365_PROXY_URL);
        // the JDK refuses them by default and reads this once, when its first HTTP client is built. They go to the
        // proxy only (LoginHostClient answers proxy challenges alone)
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
        // no classpath scanning: the wiring is named in application.properties (camel.main.configuration-classes)
        Main main = new Main();
        // the first location that has a key wins: ./application.properties over the defaults packed in the jar
        main.setPropertyPlaceholderLocations(
                "file:application.properties;optional=true,classpath:application.properties;optional=true");
        // CAMEL_COMPONENT_KAFKA_* from the environment: the Kafka security settings of every client
        KafkaEnvironmentVariables.properties(System.getenv()).forEach(main::addOverrideProperty);
        // --check: the setup checked, one table printed, exit 0 or 1; nothing collected
        if (List.of(args).contains(SetupCheck.ARGUMENT)) {
            new SetupCheck(Application::refuse).addTo(main);
            System.exit(main.run(java.util.Arrays.stream(args).filter(a -> !a.equals(SetupCheck.ARGUMENT))
                    .toArray(String[]::new)));
        }
        // --replay: a replay asked for (or cancelled) in the state topic, for the running collector; nothing collected
        if (List.of(args).contains(ReplayCommand.ARGUMENT)) {
            try {
                new ReplayCommand(args, Application::refuse).addTo(main);
            } catch (RuntimeException e) {
                refuse(e);
            }
            System.exit(main.run(new String[0]));
        }
        main.addMainListener(new SettingsCheck());
        try {
            // on Kubernetes: the routes ConfigMap, copied into ./routes where Camel loads and watches them
            RoutesSourceSync.startFromEnvironment(Path.of("routes"));
        } catch (RuntimeException e) {
            refuse(e);
        }
        System.exit(main.run(args));
    }

    /**
     * One line naming the setting, and exit status 2: on stderr, or with {@code O365_LOG_FORMAT=json} as a log event
     * like every other line, for the pipeline that parses them.
     */
    private static void refuse(RuntimeException e) {
        String line = "o365-audit-camel: configuration error: " + e.getMessage();
        if (LogFormat.isJson()) {
            LoggerFactory.getLogger(Application.class).error(line);
        } else {
            System.err.println(line);
        }
        System.exit(EXIT_BAD_SETTING);
    }

    /**
     * Checks every setting before Camel configures anything, and the Kafka settings once camel-main has bound
     * {@code camel.component.kafka.*}, before any client connects: a mistake gives one clear line.
     */
    private static final class SettingsCheck extends MainListenerSupport {
        @Override
        public void beforeConfigure(BaseMainSupport main) {
            PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
            try {
                List<CollectorSettings> all = CollectorConfiguration.allSettingsFrom(properties);
                requireFreePort(properties.resolveProperty("o365.management-host").orElse("0.0.0.0"),
                        all.get(0).managementPort());
                // O365_TRACING=otlp: Camel's tracer, before the routes are made; off, no OpenTelemetry class is loaded
                if (all.get(0).tracesToOtlp()) {
                    RouteTraces.start(main.getCamelContext());
                } else if (System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != null) {
                    LoggerFactory.getLogger(Application.class).info("OTEL_EXPORTER_OTLP_ENDPOINT is set, but the"
                            + " routes are not traced: O365_TRACING=otlp sends their spans there");
                }
            } catch (InvalidSettingException e) {
                refuse(e);
            }
        }

        @Override
        public void afterConfigure(BaseMainSupport main) {
            try {
                KafkaSettingsCheck.check(main.getCamelContext().getRegistry()
                        .lookupByNameAndType("kafkaClientSettings", KafkaClientSettings.class));
            } catch (InvalidSettingException e) {
                refuse(e);
            }
        }

        /** Camel would otherwise run on without its management port (no health, metrics or Jolokia). */
        private static void requireFreePort(String host, int port) {
            InetSocketAddress address = new InetSocketAddress(host.isBlank() ? "0.0.0.0" : host.trim(), port);
            if (address.isUnresolved()) {
                throw new InvalidSettingException("O365_MANAGEMENT_HOST", "names no address of this machine");
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(address);
            } catch (IOException e) {
                if (e instanceof BindException && e.getMessage() != null && e.getMessage().contains("assign")) {
                    throw new InvalidSettingException("O365_MANAGEMENT_HOST", "names no address of this machine");
                }
                throw new InvalidSettingException("O365_MANAGEMENT_PORT", "names port " + port + ", which another"
                        + " program already uses");
            }
        }
    }
}
