package io.github.o365auditcamel.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.catalog.CamelCatalog;
import org.apache.camel.catalog.DefaultCamelCatalog;
import org.apache.camel.catalog.EndpointValidationResult;

/**
 * What the build checks in a set of YAML DSL route files, before anything starts them: each file against the JSON
 * schema that camel-yaml-dsl ships ({@code schema/camelYamlDsl.json}: a misspelt EIP, option or key), every endpoint
 * URI against Camel's catalog (an unknown component or option, a value of the wrong type), and every {@code direct:}
 * and {@code seda:} endpoint sent to against the routes that consume them (a misspelt route name); it collects the
 * names of the beans they call ({@link #beansNamed()}). Placeholders are
 * resolved from the shipped {@code application.properties}; a key left empty there, which the collector fills in at
 * start-up, takes the stand-in given.
 */
final class RouteFileCheck {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}]+)}}");
    private static final Pattern BEAN_IN_EXPRESSION = Pattern.compile("\\$\\{bean:([A-Za-z0-9_]+)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonSchema SCHEMA = loadSchema();
    private static final CamelCatalog CATALOG = new DefaultCamelCatalog(true);

    private final Properties properties;
    private final Map<String, String> standIns;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> consumed = new TreeSet<>();
    private final Map<String, String> sentTo = new java.util.TreeMap<>();
    private final Map<String, String> beansNamed = new java.util.TreeMap<>();

    /**
     * @param properties the settings placeholders are resolved from
     * @param standIns values for keys the collector sets at start-up (empty in the properties)
     */
    RouteFileCheck(Properties properties, Map<String, String> standIns) {
        this.properties = properties;
        this.standIns = standIns;
    }

    /** The shipped route files ({@code routes/*.camel.yaml}), by name. */
    static List<Path> shippedRouteFiles() {
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks one file; its problems are added to {@link #problems()}, each naming the file. */
    void check(String fileName, String yaml) {
        JsonNode routes;
        try {
            routes = YAML.readTree(yaml);
        } catch (IOException e) {
            problems.add(fileName + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        if (routes == null) {
            problems.add(fileName + ": empty");
            return;
        }
        schemaProblems(SCHEMA.validate(routes)).forEach(problem -> problems.add(fileName + ": " + problem));
        walk(fileName, routes, null);
    }

    /**
     * Every problem found so far, and every {@code direct:} or {@code seda:} endpoint sent to that no route of the
     * files checked consumes.
     */
    List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        sentTo.forEach((endpoint, file) -> {
            if (!consumed.contains(endpoint)) {
                all.add(file + ": sends to " + endpoint + ", which no route consumes");
            }
        });
        return all;
    }

    /**
     * One line per place in the file: the schema offers each step and expression as a choice of many shapes, so one
     * mistake fails every alternative ("required property 'simple' not found", and 25 more); the messages that say
     * what is wrong (an unknown key, a wrong type) come first, and one per place is enough.
     */
    private static List<String> schemaProblems(Set<ValidationMessage> messages) {
        List<String> specific = List.of("additionalProperties", "type", "enum", "pattern", "minItems", "maxProperties");
        Map<String, ValidationMessage> byPlace = new java.util.TreeMap<>();
        messages.stream()
                .sorted(java.util.Comparator.comparingInt(m -> specific.contains(m.getType()) ? 0 : 1))
                .forEach(m -> byPlace.putIfAbsent(m.getInstanceLocation().toString(), m));
        boolean anySpecific = byPlace.values().stream().anyMatch(m -> specific.contains(m.getType()));
        return byPlace.values().stream()
                .filter(m -> !anySpecific || specific.contains(m.getType()))
                .map(ValidationMessage::getMessage).toList();
    }

    /** Every bean the files name ({@code ref:}, {@code idempotentRepository:}, {@code ${bean:...}}), with a file that does. */
    Map<String, String> beansNamed() {
        return beansNamed;
    }

    private void walk(String fileName, JsonNode node, String key) {
        if (node.isTextual()) {
            if (List.of("ref", "idempotentRepository").contains(key)) {
                beansNamed.putIfAbsent(node.asText(), fileName);
            }
            Matcher bean = BEAN_IN_EXPRESSION.matcher(node.asText());
            while (bean.find()) {
                beansNamed.putIfAbsent(bean.group(1), fileName);
            }
        }
        if (node.isObject()) {
            JsonNode uri = node.get("uri");
            if (uri != null && uri.isTextual()) {
                endpoint(fileName, "from".equals(key), uri.asText(), node.get("parameters"));
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isTextual() && List.of("to", "toD", "wireTap").contains(field.getKey())) {
                    endpoint(fileName, false, field.getValue().asText(), null);
                }
                walk(fileName, field.getValue(), field.getKey());
            }
        } else if (node.isArray()) {
            node.forEach(element -> walk(fileName, element, key));
        }
    }

    private void endpoint(String fileName, boolean consumer, String uri, JsonNode parameters) {
        StringBuilder full = new StringBuilder(resolve(uri));
        if (parameters != null && parameters.isObject()) {
            char separator = full.indexOf("?") < 0 ? '?' : '&';
            for (Iterator<Map.Entry<String, JsonNode>> p = parameters.fields(); p.hasNext();) {
                Map.Entry<String, JsonNode> parameter = p.next();
                full.append(separator).append(parameter.getKey()).append('=')
                        .append(resolve(parameter.getValue().asText()));
                separator = '&';
            }
        }
        String resolved = full.toString();
        String name = resolved.replaceFirst("[?].*", "");
        if (name.startsWith("direct:") || name.startsWith("seda:")) {
            if (consumer) {
                consumed.add(name);
            } else {
                sentTo.putIfAbsent(name, fileName);
            }
        }
        String scheme = name.replaceFirst(":.*", "");
        if (!CATALOG.findComponentNames().contains(scheme)) {
            problems.add(fileName + ": " + uri + ": no Camel component is called " + scheme);
            return;
        }
        EndpointValidationResult result = CATALOG.validateEndpointProperties(resolved, false, consumer, !consumer);
        if (!result.isSuccess()) {
            problems.add(fileName + ": " + uri + ": " + result.summaryErrorMessage(false, false, true)
                    .lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "; " + b).orElse(""));
        }
    }

    private String resolve(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = properties.getProperty(key, "").strip();
            if (value.isEmpty()) {
                value = standIns.get(key);
            }
            if (value == null) {
                problems.add("placeholder {{" + key + "}} has no value in application.properties and no stand-in");
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static JsonSchema loadSchema() {
        try (InputStream schema = RouteFileCheck.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            if (schema == null) {
                throw new IllegalStateException("camel-yaml-dsl's schema/camelYamlDsl.json is not on the class path");
            }
            // the schema marks deprecated options with a keyword of its own, which validates nothing
            JsonMetaSchema draft4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keyword(new NonValidationKeyword("deprecated")).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, factory -> factory.metaSchema(draft4))
                    .getSchema(schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
