package io.github.o365auditcamel.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.github.o365auditcamel.SettingsOnlyCommand;
import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.listing.ListingWindows;
import io.github.o365auditcamel.state.Replay;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code --replay} ({@code bin/replay}): asks the running collector to publish a tenant's records of a time range
 * again, or cancels such a request. The request goes into the state topic, which every instance reads: the instance
 * that lists the tenant runs it ({@link Replays}), and it survives restarts and leader changes. No port to open, no
 * instance to find: the command needs only the collector's own settings and Kafka access. Arguments:
 * <pre>
 *   --from 2026-11-01T00:00:00Z [--to ...] [--content-types Audit.Exchange,DLP.All] [--tenant contoso] [--topic t]
 *   --cancel r-20261207-081500-3fa2 [--tenant contoso]
 * </pre>
 * A mistake is one line and exit status 2; a request written, its id and how to follow and cancel it, exit 0.
 */
public final class ReplayCommand extends SettingsOnlyCommand {

    public static final String ARGUMENT = "--replay";
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final Map<String, String> options;
    private List<CollectorSettings> all;

    /** @param refuse prints a mistake's one line and exits with status 2 */
    public ReplayCommand(String[] args, Consumer<RuntimeException> refuse) {
        super(refuse);
        this.options = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        rest.remove(ARGUMENT);
        for (int i = 0; i < rest.size(); i++) {
            String name = rest.get(i);
            if (!List.of("--from", "--to", "--content-types", "--tenant", "--topic", "--cancel").contains(name)
                    || i + 1 >= rest.size()) {
                throw new InvalidSettingException("bin/replay", "does not know '" + name + "': give --from, --to,"
                        + " --content-types, --tenant and --topic, or --cancel <id>, each with its value");
            }
            options.put(name, rest.get(++i));
        }
        if (!options.containsKey("--from") && !options.containsKey("--cancel")) {
            throw new InvalidSettingException("bin/replay", "needs --from <time> (and --to, else now), or --cancel <id>");
        }
    }

    @Override
    protected int run(List<CollectorSettings> all, KafkaClientSettings kafka) {
        this.all = all;
        CollectorSettings tenant = tenant();
        String key;
        String value;
        String said;
        if (options.containsKey("--cancel")) {
            String id = options.get("--cancel");
            key = "cancel|" + tenant.tenantId() + "|" + id;
            value = Replay.CANCELLED;
            said = "replay " + id + " of tenant " + tenant.tenantName() + " cancelled: it stops before its next blob"
                    + " or query";
        } else {
            Replay replay = request(tenant, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            key = "replay|" + tenant.tenantId() + "|" + replay.id();
            value = replay.toJson();
            said = "replay " + replay.id() + " asked for: tenant " + tenant.tenantName() + ", "
                    + String.join(",", replay.contentTypes()) + ", records created from " + replay.from() + " to "
                    + replay.to() + ", to " + (replay.topic() == null ? "the record topics"
                    : "topic " + replay.topic()) + ".\nThe instance that lists the tenant runs it within seconds;"
                    + " its progress: log lines 'replay " + replay.id() + "' (logger progress) and the metric"
                    + " o365_replay_records_total.\nCancel it with: bin/replay --cancel " + replay.id()
                    + (all.size() > 1 ? " --tenant " + tenant.tenantName() : "");
        }
        write(kafka, all.get(0).stateTopic(), key, value);
        System.out.println(said);
        return 0;
    }

    private CollectorSettings tenant() {
        String name = options.get("--tenant");
        if (name == null) {
            if (all.size() > 1) {
                throw new InvalidSettingException("--tenant", "is needed: the collector has " + all.size()
                        + " tenants (" + String.join(", ", all.stream().map(CollectorSettings::tenantName).toList())
                        + ")");
            }
            return all.get(0);
        }
        return all.stream().filter(t -> t.tenantName().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidSettingException("--tenant", "names no tenant of the collector: '" + name
                        + "' (" + String.join(", ", all.stream().map(CollectorSettings::tenantName).toList()) + ")"));
    }

    private Replay request(CollectorSettings tenant, Instant now) {
        Instant from = time("--from", options.get("--from"));
        Instant to = options.containsKey("--to") ? time("--to", options.get("--to")) : now;
        if (!from.isBefore(to)) {
            throw new InvalidSettingException("--from", "must be before --to (" + from + " is not before " + to + ")");
        }
        if (to.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new InvalidSettingException("--to", "is in the future: " + to);
        }
        Instant reach = ListingWindows.oldestRetrievable(now).plus(Replays.API_MARGIN);
        if (from.isBefore(reach) && !tenant.gapRepair().enabled()) {
            throw new InvalidSettingException("--from", "reaches past the 7 days the Management API keeps content;"
                    + " records older than " + reach.truncatedTo(ChronoUnit.SECONDS) + " come from Microsoft Graph:"
                    + " set O365_GAP_REPAIR=graph (permission AuditLogsQuery.Read.All), or start the range later");
        }
        List<String> types = tenant.contentTypes();
        if (options.containsKey("--content-types")) {
            types = Arrays.stream(options.get("--content-types").split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).toList();
            for (String type : types) {
                if (!tenant.contentTypes().contains(type)) {
                    throw new InvalidSettingException("--content-types", "names " + type + ", which tenant "
                            + tenant.tenantName() + " does not collect (" + String.join(",", tenant.contentTypes())
                            + ")");
                }
            }
        }
        String topic = options.get("--topic");
        if (topic != null && !TOPIC.matcher(topic).matches()) {
            throw new InvalidSettingException("--topic", "is not a Kafka topic name: letters, digits, '.', '_', '-'");
        }
        String id = "r-" + ID_TIME.format(now) + "-" + String.format(Locale.ROOT, "%04x",
                ThreadLocalRandom.current().nextInt(0x10000));
        return Replay.requested(id, types, from, to, topic, now);
    }

    /** {@code 2026-11-01T00:00:00Z}, or a day, {@code 2026-11-01} (its midnight, UTC). */
    private static Instant time(String option, String value) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw new InvalidSettingException(option, "is not a time such as 2026-11-01T00:00:00Z or 2026-11-01: "
                    + value);
        }
    }

    private static void write(KafkaClientSettings kafka, String stateTopic, String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000",
                ProducerConfig.CLIENT_ID_CONFIG, "o365-audit-camel-replay-command")),
                new StringSerializer(), new StringSerializer())) {
            if (producer.partitionsFor(stateTopic).isEmpty()) {
                throw new InvalidSettingException("O365_STATE_TOPIC", "names " + stateTopic + ", which has no"
                        + " partitions: is the collector running against this Kafka?");
            }
            producer.send(new ProducerRecord<>(stateTopic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InvalidSettingException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidSettingException("KAFKA_BROKERS", "the request could not be written to the state topic "
                    + stateTopic + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
