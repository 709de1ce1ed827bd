package io.github.o365auditcamel.progress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.o365auditcamel.kafka.KafkaClientSettings;
import io.github.o365auditcamel.tenancy.Tenant;
import io.github.o365auditcamel.tenancy.Tenants;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness of the collector: Kafka reachable, and for each tenant a token obtained and every configured subscription
 * enabled. Each part is a detail of the result ({@code kafka}, {@code token}, {@code subscriptions}; with several
 * tenants {@code token.<tenant>} and {@code subscriptions.<tenant>}), with the reason when it fails. Kafka is asked
 * at most every {@value #KAFKA_CHECK_SECONDS} seconds, so that probes stay cheap.
 * <p>
 * With several tenants the deployment serves them all, and one customer revoking the app's consent or withholding a
 * permission must not take it out of service, nor hold up a rollout: the check is DOWN only when Kafka is
 * unreachable or no tenant collects everything it is configured for (its token, subscriptions, and no content type
 * stopped by a fatal answer). While some tenants do, it is UP, and its message and the detail
 * {@code tenants.notCollecting} name the others with their reasons; so does the gauge {@code o365_tenant_ready}
 * (see {@link #problemsOf}), to alert on.
 */
public class CollectorReadinessCheck extends AbstractHealthCheck {

    static final long KAFKA_CHECK_SECONDS = 10;

    private final Tenants tenants;
    private final KafkaClientSettings kafka;
    private final Supplier<String> topicsProblem;
    private final SubscriptionTable subscriptions;
    private final ContentTypeHealthCheck contentTypes;
    private final Clock clock;
    private volatile Instant kafkaCheckedAt = Instant.MIN;
    private volatile String kafkaProblem = "not checked yet";

    /** @param topicsProblem why the topics are not ready yet (missing and may not be created), or null */
    public CollectorReadinessCheck(Tenants tenants, KafkaClientSettings kafka, Supplier<String> topicsProblem,
            SubscriptionTable subscriptions, ContentTypeHealthCheck contentTypes, Clock clock) {
        super("o365", "collector");
        this.tenants = tenants;
        this.kafka = kafka;
        this.topicsProblem = topicsProblem;
        this.subscriptions = subscriptions;
        this.contentTypes = contentTypes;
        this.clock = clock;
    }

    @Override
    public boolean isLiveness() {
        // none of these is fixed by a restart; the process stays, and says why it is not ready
        return false;
    }

    /**
     * What keeps a tenant from collecting everything it is configured for: its token, subscriptions not enabled,
     * content types stopped by a fatal answer. Empty when it collects.
     */
    public List<String> problemsOf(Tenant tenant) {
        return statusOf(tenant).problems();
    }

    /** A tenant's token failure (or null), subscriptions not enabled and content types stopped, read once. */
    private record Status(String token, Map<String, String> notEnabled, Map<String, String> stopped) {

        /** The token's and the subscriptions' problems: with one tenant, what this check is DOWN for. */
        List<String> accessProblems() {
            List<String> problems = new ArrayList<>();
            Map<String, String> otherwise = notEnabled;
            if (token != null) {
                problems.add("token: " + token);
                // without a token no subscription can start: said once, not once per content type
                otherwise = new java.util.TreeMap<>(notEnabled);
                otherwise.values().removeIf(v -> v.equals("not started yet") || v.equals("FAILED: " + token));
            }
            if (!otherwise.isEmpty()) {
                problems.add("subscriptions not enabled: " + otherwise);
            }
            return problems;
        }

        List<String> problems() {
            List<String> problems = accessProblems();
            if (!stopped.isEmpty()) {
                problems.add("stopped: " + stopped);
            }
            return problems;
        }
    }

    private Status statusOf(Tenant tenant) {
        return new Status(tenant.tokenProvider().lastFailure(), subscriptions.notEnabled(tenant.name()),
                contentTypes.uncollectedContentTypes(tenant.name()));
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String kafka = kafkaProblem();
        builder.detail("kafka", kafka == null ? "reachable" : kafka);
        boolean several = tenants.all().size() > 1;
        List<String> collecting = new ArrayList<>();
        List<String> notCollecting = new ArrayList<>();
        Status status = null;
        for (Tenant tenant : tenants.all()) {
            String suffix = several ? "." + tenant.name() : "";
            status = statusOf(tenant);
            builder.detail("token" + suffix, status.token() == null ? "obtained" : status.token());
            builder.detail("subscriptions" + suffix,
                    status.notEnabled().isEmpty() ? "enabled" : status.notEnabled().toString());
            List<String> problems = status.problems();
            if (problems.isEmpty()) {
                collecting.add(tenant.name());
            } else {
                notCollecting.add(tenant.name() + " (" + String.join("; ", problems) + ")");
            }
        }
        if (!several) {
            // one tenant: its token and subscriptions (a stopped content type is the content-types check's)
            List<String> problems = new ArrayList<>();
            if (kafka != null) {
                problems.add("Kafka: " + kafka);
            }
            problems.addAll(status.accessProblems());
            if (!problems.isEmpty()) {
                builder.message(String.join("; ", problems));
            }
            builder.state(problems.isEmpty() ? HealthCheck.State.UP : HealthCheck.State.DOWN);
            return;
        }
        builder.detail("tenants.collecting", String.join(", ", collecting));
        builder.detail("tenants.notCollecting", String.join(", ", notCollecting));
        if (kafka != null) {
            builder.message("Kafka: " + kafka);
        } else if (collecting.isEmpty()) {
            builder.message("no tenant collects: " + String.join(", ", notCollecting));
        } else if (!notCollecting.isEmpty()) {
            builder.message("collecting for " + String.join(", ", collecting) + "; not for "
                    + String.join(", ", notCollecting));
        }
        boolean ready = kafka == null && !collecting.isEmpty();
        builder.state(ready ? HealthCheck.State.UP : HealthCheck.State.DOWN);
    }

    private String kafkaProblem() {
        String topics = topicsProblem.get();
        if (topics != null) {
            return topics;
        }
        Instant now = clock.instant();
        if (Duration.between(kafkaCheckedAt, now).getSeconds() >= KAFKA_CHECK_SECONDS) {
            kafkaProblem = askKafka();
            kafkaCheckedAt = now;
        }
        return kafkaProblem;
    }

    private String askKafka() {
        try (Admin admin = Admin.create(kafka.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.CLIENT_ID_CONFIG, "o365-audit-camel-readiness")))) {
            int nodes = admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).size();
            return nodes > 0 ? null : "no broker in the cluster";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return kafka.brokers() + " (" + kafka.describe() + ") not usable: " + FailureReason.of(e);
        }
    }
}
