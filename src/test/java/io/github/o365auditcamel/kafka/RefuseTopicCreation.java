package io.github.o365auditcamel.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.CreateTopicPolicy;

/**
 * A broker's topic creation policy ({@code create.topic.policy.class.name}) that refuses every new topic while
 * {@link #REFUSING} is set, as a managed cluster does where topics are the platform team's (through its ACLs or its
 * own policy). The test that runs the broker in its JVM creates topics as that team would, with the flag off.
 */
public class RefuseTopicCreation implements CreateTopicPolicy {

    public static final AtomicBoolean REFUSING = new AtomicBoolean(true);

    @Override
    public void validate(RequestMetadata request) {
        // the broker's own (__consumer_offsets, __transaction_state) are not clients' requests
        if (REFUSING.get() && !request.topic().startsWith("__")) {
            throw new PolicyViolationException("topics are created by the platform team here, not by clients");
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
