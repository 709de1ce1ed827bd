package io.github.o365auditcamel.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The shipped route files, checked in the build ({@link RouteFileCheck}): a typo in a route fails {@code mvn verify},
 * not the first start.
 */
class RouteFilesTest {

    /** Keys the collector fills in at start-up (CollectorConfiguration), with a value of the kind it sets. */
    private static final Map<String, String> SET_AT_START_UP = Map.of(
            "o365.api-url", "https://manage.office.com",
            "o365.listing-queue-size", "32",
            "o365.fetcher-group", "o365-audit-camel.content-refs.fetchers");

    @Test
    void everyShippedRouteFileIsValidAndEveryEndpointAndBeanItNamesExists() throws IOException {
        RouteFileCheck check = new RouteFileCheck(shippedProperties(), SET_AT_START_UP);
        List<Path> files = RouteFileCheck.shippedRouteFiles();
        assertTrue(files.size() >= 8, "route files found: " + files);
        for (Path file : files) {
            check.check(file.getFileName().toString(), Files.readString(file));
        }

        assertEquals("", String.join("\n", check.problems()));
        // a bean is registered under its class's name, in lower camel case (CollectorConfiguration binds them)
        Set<String> classNames = mainClassNames();
        check.beansNamed().forEach((bean, file) -> assertTrue(
                classNames.contains(Character.toUpperCase(bean.charAt(0)) + bean.substring(1)),
                file + " calls the bean " + bean + ", which is no class's name"));
    }

    /** The simple names of the collector's classes (target/classes). */
    private static Set<String> mainClassNames() throws IOException {
        try (Stream<Path> classes = Files.walk(Path.of("target/classes/io/github/o365auditcamel"))) {
            return classes.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void aMisspeltStepOptionComponentOrRouteNameIsFound() throws IOException {
        RouteFileCheck check = new RouteFileCheck(shippedProperties(), SET_AT_START_UP);
        check.check("typos.camel.yaml", """
                - route:
                    id: typos
                    from:
                      uri: timer:tick
                      parameters:
                        peroid: 1000
                      steps:
                        - setVariabel:
                            name: x
                            expression:
                              constant: y
                        - to:
                            uri: direct:no-such-route
                        - to:
                            uri: kafak:topic
                """);

        String problems = String.join("\n", check.problems());
        assertTrue(problems.contains("setVariabel"), problems);
        assertTrue(problems.contains("peroid"), problems);
        assertTrue(problems.contains("kafak"), problems);
        assertTrue(problems.contains("direct:no-such-route, which no route consumes"), problems);
    }

    private static Properties shippedProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(reader);
        }
        return properties;
    }
}
