package io.github.o365auditcamel.check;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.microsoft.aad.msal4j.IHttpClient;
import io.github.o365auditcamel.CollectorConfiguration;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.kafka.KafkaSettingsCheck;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * {@code --check}: checks the setup without collecting anything and prints one table, one line per check, then exits
 * 0 when every check passed and 1 otherwise. camel-main reads the settings as for a run (the properties files, the
 * environment, {@code camel.component.kafka.*}), but wires no beans and loads no routes; a bad setting stops it with
 * its one line and exit status 2, as a run does. Then: each tenant's token, API host, permissions and
 * subscriptions ({@link TenantCheck}); Kafka, the topics and the transactions ({@link KafkaCheck}).
 */
public final class SetupCheck extends MainListenerSupport {

    public static final String ARGUMENT = "--check";

    private final Consumer<RuntimeException> refuse;
    private List<CollectorSettings> all;

    /** @param refuse prints a bad setting's one line and exits with status 2 */
    public SetupCheck(Consumer<RuntimeException> refuse) {
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
        CollectorSettings shared = all.get(0);
        KafkaClientSettings kafka = KafkaClientSettings.of(main.getCamelContext(), shared.kafkaBrokers());
        try {
            KafkaSettingsCheck.check(kafka);
        } catch (InvalidSettingException e) {
            refuse.accept(e);
        }
        List<CheckLine> lines = run(all, kafka);
        System.out.print(CheckLine.table(lines));
        System.out.flush();
        System.exit(lines.stream().allMatch(CheckLine::ok) ? 0 : 1);
    }

    /** Every check, in the table's order. */
    static List<CheckLine> run(List<CollectorSettings> all, KafkaClientSettings kafka) {
        List<CheckLine> lines = new ArrayList<>();
        lines.add(CheckLine.ok("settings", all.size() + " tenant(s), content types "
                + String.join(",", all.get(0).contentTypes()) + ", Kafka at " + kafka.brokers()));
        // the proxy and the trusted authorities are the deployment's: one client for each host kind, every tenant's
        IHttpClient loginHost = TokenProvider.loginHostClient(all.get(0));
        HttpClient api = TokenProvider.proxiedHttpClient(all.get(0));
        boolean several = all.size() > 1;
        for (CollectorSettings tenant : all) {
            lines.addAll(new TenantCheck(tenant, loginHost, api, several ? tenant.tenantName() + ": " : "").run());
        }
        lines.addAll(new KafkaCheck(all, kafka).run());
        return lines;
    }

    /** The configuration class camel-main makes in check mode: nothing to wire. */
    public static final class NoWiring implements org.apache.camel.CamelConfiguration {
        @Override
        public void configure(org.apache.camel.CamelContext context) {
            // the check makes its own clients
        }
    }
}
