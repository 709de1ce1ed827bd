package io.github.o365auditcamel;

import java.util.List;
import java.util.function.Consumer;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.kafka.KafkaSettingsCheck;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * A command of the jar that reads the collector's settings as a run does (the properties files, the environment,
 * {@code camel.component.kafka.*}, the tenants file) but collects nothing: camel-main wires no beans and loads no
 * routes. A bad setting stops it with its one line and exit status 2, as a run does; then {@link #run} does the
 * command's work and says how it exits. {@code --check} and {@code --replay} are such commands.
 */
public abstract class SettingsOnlyCommand extends MainListenerSupport {

    private final Consumer<RuntimeException> refuse;
    private List<CollectorSettings> all;

    /** @param refuse prints a bad setting's one line and exits with status 2 */
    protected SettingsOnlyCommand(Consumer<RuntimeException> refuse) {
        this.refuse = refuse;
    }

    /** Makes camel-main read the settings only: no wiring, no routes, no reloading. */
    public void addTo(Main main) {
        main.addOverrideProperty("camel.main.configuration-classes", NoWiring.class.getName());
        main.addOverrideProperty("camel.main.routes-collector-enabled", "false");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        main.addMainListener(this);
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        try {
            all = CollectorConfiguration.allSettingsFrom(main.getCamelContext().getPropertiesComponent());
        } catch (InvalidSettingException e) {
            refuse.accept(e);
        }
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        KafkaClientSettings kafka = KafkaClientSettings.of(main.getCamelContext(), all.get(0).kafkaBrokers());
        int exit;
        try {
            KafkaSettingsCheck.check(kafka);
            exit = run(all, kafka);
        } catch (InvalidSettingException e) {
            refuse.accept(e);
            return;
        }
        System.out.flush();
        System.exit(exit);
    }

    /**
     * The command's work, with every tenant's settings and the Kafka clients' settings; returns the exit status.
     *
     * @throws InvalidSettingException for a mistake the user made: one line, exit status 2
     */
    protected abstract int run(List<CollectorSettings> all, KafkaClientSettings kafka);

    /** The configuration class camel-main makes for such a command: nothing to wire. */
    public static final class NoWiring implements org.apache.camel.CamelConfiguration {
        @Override
        public void configure(org.apache.camel.CamelContext context) {
            // the command makes its own clients
        }
    }
}
