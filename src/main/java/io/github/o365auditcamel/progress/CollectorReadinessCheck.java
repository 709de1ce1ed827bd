package io.github.o365auditcamel.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.auth.TokenProvider;
import io.github.o365auditcamel.config.CollectorSettings;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness of the collector: Kafka reachable, a token obtained, and every configured subscription enabled. Each
 * part is a detail of the result ({@code kafka}, {@code token}, {@code subscriptions}), with the reason when it
 * fails. Kafka is asked at most every {@value #KAFKA_CHECK_SECONDS} seconds, so that probes stay cheap.
 */
public class CollectorReadinessCheck extends AbstractHealthCheck {

    static final long KAFKA_CHECK_SECONDS = 10;

    private final CollectorSettings settings;
    private final TokenProvider tokens;
    private final SubscriptionTable subscriptions;
    private final Clock clock;
    private volatile Instant kafkaCheckedAt = Instant.MIN;
    private volatile String kafkaProblem = "not checked yet";

    public CollectorReadinessCheck(CollectorSettings settings, TokenProvider tokens, SubscriptionTable subscriptions,
            Clock clock) {
        super("o365", "collector");
        this.settings = settings;
        this.tokens = tokens;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        // none of these is fixed by a restart; the process stays, and says why it is not ready
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String kafka = kafkaProblem();
        String token = tokens.lastFailure();
        Map<String, String> notEnabled = subscriptions.notEnabled();
        builder.detail("kafka", kafka == null ? "reachable" : kafka);
        builder.detail("token", token == null ? "obtained" : token);
        builder.detail("subscriptions", notEnabled.isEmpty() ? "enabled" : notEnabled.toString());
        StringBuilder problems = new StringBuilder();
        if (kafka != null) {
            problems.append("Kafka: ").append(kafka).append("; ");
        }
        if (token != null) {
            problems.append("token: ").append(token).append("; ");
        }
        if (!notEnabled.isEmpty()) {
            problems.append("subscriptions not enabled: ").append(notEnabled).append("; ");
        }
        if (problems.length() == 0) {
            builder.up();
        } else {
            builder.message(problems.substring(0, problems.length() - 2));
            builder.down();
        }
    }

    private String kafkaProblem() {
        Instant now = clock.instant();
        if (Duration.between(kafkaCheckedAt, now).getSeconds() >= KAFKA_CHECK_SECONDS) {
            kafkaProblem = askKafka();
            kafkaCheckedAt = now;
        }
        return kafkaProblem;
    }

    private String askKafka() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBrokers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-readiness"))) {
            int nodes = admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).size();
            return nodes > 0 ? null : "no broker in the cluster";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return settings.kafkaBrokers() + " unreachable: " + FailureReason.of(e);
        }
    }
}
