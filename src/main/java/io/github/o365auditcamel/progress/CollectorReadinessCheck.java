package io.github.o365auditcamel.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.o365auditcamel.tenancy.Tenant;
import io.github.o365auditcamel.tenancy.Tenants;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness of the collector: Kafka reachable, and for every tenant a token obtained and every configured subscription
 * enabled. Each part is a detail of the result ({@code kafka}, {@code token}, {@code subscriptions}; with several
 * tenants {@code token.<tenant>} and {@code subscriptions.<tenant>}), with the reason when it fails. Kafka is asked
 * at most every {@value #KAFKA_CHECK_SECONDS} seconds, so that probes stay cheap.
 */
public class CollectorReadinessCheck extends AbstractHealthCheck {

    static final long KAFKA_CHECK_SECONDS = 10;

    private final Tenants tenants;
    private final String kafkaBrokers;
    private final SubscriptionTable subscriptions;
    private final Clock clock;
    private volatile Instant kafkaCheckedAt = Instant.MIN;
    private volatile String kafkaProblem = "not checked yet";

    public CollectorReadinessCheck(Tenants tenants, SubscriptionTable subscriptions, Clock clock) {
        super("o365", "collector");
        this.tenants = tenants;
        this.kafkaBrokers = tenants.all().iterator().next().settings().kafkaBrokers();
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
        builder.detail("kafka", kafka == null ? "reachable" : kafka);
        StringBuilder problems = new StringBuilder();
        if (kafka != null) {
            problems.append("Kafka: ").append(kafka).append("; ");
        }
        boolean several = tenants.all().size() > 1;
        for (Tenant tenant : tenants.all()) {
            String suffix = several ? "." + tenant.name() : "";
            String of = several ? " of " + tenant.name() : "";
            String token = tenant.tokenProvider().lastFailure();
            Map<String, String> notEnabled = subscriptions.notEnabled(tenant.name());
            builder.detail("token" + suffix, token == null ? "obtained" : token);
            builder.detail("subscriptions" + suffix, notEnabled.isEmpty() ? "enabled" : notEnabled.toString());
            if (token != null) {
                problems.append("token").append(of).append(": ").append(token).append("; ");
            }
            if (!notEnabled.isEmpty()) {
                problems.append("subscriptions").append(of).append(" not enabled: ").append(notEnabled).append("; ");
            }
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
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBrokers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-readiness"))) {
            int nodes = admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).size();
            return nodes > 0 ? null : "no broker in the cluster";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return kafkaBrokers + " unreachable: " + FailureReason.of(e);
        }
    }
}
