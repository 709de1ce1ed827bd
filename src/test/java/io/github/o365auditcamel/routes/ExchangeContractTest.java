package io.github.o365auditcamel.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The exchange contract is complete: every exchange variable a route file or the collector's Java code names is one
 * that {@link ExchangeVariables} declares (with who sets it and who reads it), and Java names them through it, never as
 * a string of its own.
 */
class ExchangeContractTest {

    private static final Pattern READ = Pattern.compile("\\$\\{variable\\.([A-Za-z0-9]+)");
    private static final Pattern SET = Pattern.compile("(?m)^\\s*- (?:setVariable|removeVariable):\\s*\\n\\s*name: ([A-Za-z0-9]+)");
    private static final Pattern JAVA_LITERAL = Pattern.compile("(?:get|set|remove)Variable\\(\"([A-Za-z0-9]+)\"");

    @Test
    void everyVariableTheRoutesNameIsDeclaredInTheContract() throws IOException {
        Set<String> declared = declared();
        TreeMap<String, String> undeclared = new TreeMap<>();
        for (Path file : RouteFileCheck.shippedRouteFiles()) {
            String yaml = Files.readString(file);
            for (Pattern pattern : new Pattern[] {READ, SET}) {
                Matcher m = pattern.matcher(yaml);
                while (m.find()) {
                    if (!declared.contains(m.group(1))) {
                        undeclared.putIfAbsent(m.group(1), file.getFileName().toString());
                    }
                }
            }
        }
        assertEquals(new TreeMap<>(), undeclared, "variables the routes use that ExchangeVariables does not declare");
    }

    @Test
    void javaNamesEveryVariableThroughTheContract() throws IOException {
        TreeMap<String, String> literals = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = JAVA_LITERAL.matcher(Files.readString(file));
                while (m.find()) {
                    literals.putIfAbsent(m.group(1), file.getFileName().toString());
                }
            }
        }
        assertEquals(new TreeMap<>(), literals, "exchange variables named by a string of their own instead of"
                + " ExchangeVariables");
    }

    @Test
    void everyDeclaredVariableIsUsed() throws IOException {
        String routes = RouteFileCheck.shippedRouteFiles().stream().map(ExchangeContractTest::read)
                .collect(Collectors.joining("\n"));
        String java;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            java = files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("ExchangeVariables.java"))
                    .map(ExchangeContractTest::read).collect(Collectors.joining("\n"));
        }
        for (Field field : ExchangeVariables.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                assertTrue(routes.contains("variable." + value(field)) || routes.contains("name: " + value(field))
                        || java.contains("ExchangeVariables." + field.getName()),
                        field.getName() + " is declared but nothing uses it");
            }
        }
    }

    private static Set<String> declared() {
        Set<String> names = new TreeSet<>();
        for (Field field : ExchangeVariables.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add(value(field));
            }
        }
        return names;
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
