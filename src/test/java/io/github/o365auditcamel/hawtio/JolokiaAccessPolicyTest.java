package io.github.o365auditcamel.hawtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.mbean.ManagedCamelContextMBean;
import org.apache.camel.api.management.mbean.ManagedDumpRoutesStrategyMBean;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.api.management.mbean.ManagedSuspendableRouteMBean;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.Test;

/**
 * The two Jolokia policies, read by Jolokia's own {@link PolicyRestrictor} as the collector's Jolokia reads them:
 * the default one ({@code src/main/resources/jolokia-access.xml}) lets Hawtio call exactly the dumps behind its route
 * diagram and source views, and the opt-in one ({@code config/jolokia-access-operations.xml}) those dumps and the
 * route buttons. Every other operation that Camel's context, route and processor MBeans (and its route dumper,
 * which writes files) have is refused, under each name a request can give it (bare, or with its signature).
 *
 * <p>{@code ManagementServerTest} checks the default policy over HTTP on a running collector, and
 * {@code LiveOperationsIT} the opt-in one.
 */
class JolokiaAccessPolicyTest {

    private static final ObjectName CONTEXT = name("org.apache.camel:context=o365-audit-camel,type=context,"
            + "name=\"o365-audit-camel\"");
    private static final ObjectName ROUTE = name("org.apache.camel:context=o365-audit-camel,type=routes,"
            + "name=\"fetch-content\"");
    private static final ObjectName PROCESSOR = name("org.apache.camel:context=o365-audit-camel,type=processors,"
            + "name=\"fetch-blob\"");
    /** Its dumpRoutes writes files: a dump that is not read-only. */
    private static final ObjectName DUMP_STRATEGY = name("org.apache.camel:context=o365-audit-camel,type=services,"
            + "name=DefaultDumpRoutesStrategy");

    /** What Hawtio 3.0.0's Camel view calls to draw a route and show its source, as it names them. */
    private static final Map<ObjectName, Set<String>> DUMPS = Map.of(
            CONTEXT, Set.of("dumpRoutesAsXml()", "dumpRoutesStatsAsXml", "dumpRoutesStatsAsXml(boolean,boolean)"),
            ROUTE, Set.of("dumpRouteStatsAsXml", "dumpRouteStatsAsXml(boolean,boolean)"),
            PROCESSOR, Set.of(),
            DUMP_STRATEGY, Set.of());

    /** Hawtio's route buttons, allowed by the opt-in policy only. */
    private static final Set<String> ROUTE_BUTTONS = Set.of("start", "start()", "stop", "stop()", "suspend",
            "suspend()", "resume", "resume()", "reset", "reset()", "reset(boolean)");

    @Test
    void theDefaultPolicyAllowsTheRouteDumpsAndNoOtherOperation() throws IOException {
        PolicyRestrictor policy = policy(Path.of("src/main/resources/jolokia-access.xml"));

        for (RequestType type : List.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH, RequestType.VERSION)) {
            assertTrue(policy.isTypeAllowed(type), type.getName());
        }
        // exec is off in general: only what <allow> names gets through
        assertFalse(policy.isTypeAllowed(RequestType.EXEC));
        assertFalse(policy.isTypeAllowed(RequestType.WRITE));

        assertEquals(expectedAllowed(DUMPS, Set.of()), allowedOperations(policy));
        // what the dumps must not become: placeholders resolved, or the overloaded name Jolokia could resolve
        assertFalse(policy.isOperationAllowed(CONTEXT, "dumpRoutesAsXml(boolean)"));
        assertFalse(policy.isOperationAllowed(CONTEXT, "dumpRoutesAsXml"));
        assertFalse(policy.isOperationAllowed(ROUTE, "dumpRouteAsXml(boolean)"));
        assertFalse(policy.isOperationAllowed(ROUTE, "stop()"));
        assertFalse(policy.isOperationAllowed(ROUTE, "reset()"));
        assertFalse(policy.isOperationAllowed(ROUTE, "updateRouteFromXml(java.lang.String)"));
        assertFalse(policy.isOperationAllowed(CONTEXT, "sendStringBody(java.lang.String,java.lang.String)"));
        assertFalse(policy.isOperationAllowed(name("java.lang:type=Memory"), "gc()"));

        readsAndWrites(policy);
    }

    @Test
    void theOptInPolicyAllowsTheRouteDumpsAndTheRouteButtonsAndNoOtherOperation() throws IOException {
        PolicyRestrictor policy = policy(Path.of("config/jolokia-access-operations.xml"));

        assertFalse(policy.isTypeAllowed(RequestType.EXEC));
        assertFalse(policy.isTypeAllowed(RequestType.WRITE));

        assertEquals(expectedAllowed(DUMPS, ROUTE_BUTTONS), allowedOperations(policy));
        assertTrue(policy.isOperationAllowed(ROUTE, "stop()"));
        assertTrue(policy.isOperationAllowed(ROUTE, "dumpRouteStatsAsXml"));
        assertFalse(policy.isOperationAllowed(ROUTE, "remove()"));
        assertFalse(policy.isOperationAllowed(ROUTE, "updateRouteFromXml(java.lang.String)"));
        assertFalse(policy.isOperationAllowed(CONTEXT, "stop()"));
        assertFalse(policy.isOperationAllowed(CONTEXT, "dumpRoutesAsXml(boolean)"));

        readsAndWrites(policy);
    }

    /** Reads are allowed but the JVM's arguments and system properties; no attribute can be written. */
    private static void readsAndWrites(PolicyRestrictor policy) {
        assertTrue(policy.isAttributeReadAllowed(ROUTE, "ExchangesTotal"));
        assertTrue(policy.isAttributeReadAllowed(name("java.lang:type=Memory"), "HeapMemoryUsage"));
        assertTrue(policy.isAttributeReadAllowed(name("java.lang:type=Runtime"), "Uptime"));
        assertFalse(policy.isAttributeReadAllowed(name("java.lang:type=Runtime"), "SystemProperties"));
        assertFalse(policy.isAttributeReadAllowed(name("java.lang:type=Runtime"), "InputArguments"));
        for (ObjectName mbean : List.of(CONTEXT, ROUTE, PROCESSOR)) {
            assertFalse(policy.isAttributeWriteAllowed(mbean, "Tracing"), mbean.toString());
        }
        assertFalse(policy.isAttributeWriteAllowed(name("java.lang:type=Threading"), "ThreadCpuTimeEnabled"));
    }

    /**
     * Of every operation of Camel's context, route and processor MBeans, under each name a request can give it (the
     * bare name, and the name with its signature), those the policy allows, as "MBean type: operation".
     */
    private static Set<String> allowedOperations(PolicyRestrictor policy) {
        Set<String> allowed = new TreeSet<>();
        Map<ObjectName, Class<?>> mbeans = Map.of(CONTEXT, ManagedCamelContextMBean.class,
                ROUTE, ManagedSuspendableRouteMBean.class, PROCESSOR, ManagedProcessorMBean.class,
                DUMP_STRATEGY, ManagedDumpRoutesStrategyMBean.class);
        mbeans.forEach((mbean, type) -> {
            List<String> names = new ArrayList<>();
            for (Method method : type.getMethods()) {
                if (method.isAnnotationPresent(ManagedOperation.class)) {
                    names.add(method.getName());
                    names.add(method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getName)
                            .collect(Collectors.joining(",", "(", ")")));
                }
            }
            assertFalse(names.isEmpty(), type + " has operations");
            names.stream().filter(operation -> policy.isOperationAllowed(mbean, operation))
                    .forEach(operation -> allowed.add(mbean.getKeyProperty("type") + ": " + operation));
        });
        return allowed;
    }

    private static Set<String> expectedAllowed(Map<ObjectName, Set<String>> dumps, Set<String> routeButtons) {
        Set<String> expected = new TreeSet<>();
        dumps.forEach((mbean, operations) -> operations
                .forEach(operation -> expected.add(mbean.getKeyProperty("type") + ": " + operation)));
        routeButtons.forEach(operation -> expected.add("routes: " + operation));
        return expected;
    }

    private static PolicyRestrictor policy(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath().toString());
        try (InputStream in = Files.newInputStream(file)) {
            return new PolicyRestrictor(in);
        }
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
