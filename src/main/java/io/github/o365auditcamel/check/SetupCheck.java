package io.github.o365auditcamel.check;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.microsoft.aad.msal4j.IHttpClient;
import io.github.o365auditcamel.SettingsOnlyCommand;
import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.kafka.KafkaClientSettings;

/**
 * {@code --check}: checks the setup without collecting anything and prints one table, one line per check, then exits
 * 0 when every check passed and 1 otherwise. camel-main reads the settings as for a run (the properties files, the
 * environment, {@code camel.component.kafka.*}), but wires no beans and loads no routes; a bad setting stops it with
 * its one line and exit status 2, as a run does. Then: each tenant's token, API host, permissions and
 * subscriptions ({@link TenantCheck}); Kafka, the topics and the transactions ({@link KafkaCheck}).
 */
public final class SetupCheck extends SettingsOnlyCommand {

    public static final String ARGUMENT = "--check";

    /** @param refuse prints a bad setting's one line and exits with status 2 */
    public SetupCheck(Consumer<RuntimeException> refuse) {
        super(refuse);
    }

    @Override
    protected int run(List<CollectorSettings> all, KafkaClientSettings kafka) {
        List<CheckLine> lines = lines(all, kafka);
        System.out.print(CheckLine.table(lines));
        return lines.stream().allMatch(CheckLine::ok) ? 0 : 1;
    }

    /** Every check, in the table's order. */
    static List<CheckLine> lines(List<CollectorSettings> all, KafkaClientSettings kafka) {
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
}
