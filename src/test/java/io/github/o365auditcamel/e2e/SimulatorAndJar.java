package io.github.o365auditcamel.e2e;

import java.util.ArrayList;
import java.util.List;

import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a jar test of one simulator usually holds: the JVM's broker, a simulator, and the jar's processes it started,
 * all closed after each test.
 */
abstract class SimulatorAndJar {

    protected static EmbeddedKafkaBroker broker;

    protected ManagementApiSimulator simulator;
    private final List<CollectorProcess> processes = new ArrayList<>();

    @BeforeAll
    static void useTheSharedBroker() {
        broker = EmbeddedKafkaBroker.shared();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (CollectorProcess process : processes) {
            process.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** Starts the jar with these settings and arguments, in a fresh working directory; closed after the test. */
    protected CollectorProcess start(java.util.Map<String, String> env, String... arguments) throws Exception {
        CollectorProcess process = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env,
                List.of(arguments));
        processes.add(process);
        return process;
    }
}
