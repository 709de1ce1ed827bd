package io.github.o365auditcamel.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.fetch.RecordTypes;

/**
 * Optional routing rules ({@code O365_ROUTING_RULES}, a YAML file): records of some workloads, operations or record
 * types go to a topic of their own instead of their content type's, in the same transaction as the rest of their
 * blob. The first rule whose every condition holds wins; a record no rule matches goes to its content type's topic.
 * A condition is one value or a list of values, compared exactly (record types by number or by their name in
 * Microsoft's enum):
 * <pre>
 * - when:
 *     workload: Exchange
 *     operation: [MailItemsAccessed, Send]
 *   topic: o365.exchange.mail
 * - when:
 *     recordType: [CopilotInteraction, 284]
 *   topic: o365.copilot
 * </pre>
 * Decided from the fields the streamer already took from the record: no parse of its own.
 */
public final class RoutingRules {

    /** No rules: every record to its content type's topic. */
    public static final RoutingRules NONE = new RoutingRules(List.of());

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final Set<String> RULE_KEYS = Set.of("when", "topic");
    private static final Set<String> CONDITIONS = Set.of("workload", "operation", "recordType");

    private record Rule(Set<String> workloads, Set<String> operations, Set<Integer> recordTypes, String topic) {
        boolean matches(AuditRecord record) {
            return (workloads.isEmpty() || workloads.contains(record.workload()))
                    && (operations.isEmpty() || operations.contains(record.operation()))
                    && (recordTypes.isEmpty() || recordTypes.contains(record.recordType()));
        }
    }

    private final List<Rule> rules;

    private RoutingRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Reads the rules of a YAML file.
     *
     * @throws IllegalArgumentException saying which rule is wrong and how, in one line
     */
    public static RoutingRules load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("is not YAML: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException("must be a YAML list of rules (- when: {...} topic: ...)");
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            rules.add(rule(root.get(i), "rule " + (i + 1)));
        }
        return new RoutingRules(rules);
    }

    private static Rule rule(JsonNode node, String name) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(name + " is not a map with when and topic");
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!RULE_KEYS.contains(key)) {
                throw new IllegalArgumentException(name + " has an unknown key '" + key + "' (known: when, topic)");
            }
        }
        String topic = node.path("topic").asText("");
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(name + " needs a topic of letters, digits, '.', '_' and '-'");
        }
        JsonNode when = node.path("when");
        if (!when.isObject() || when.isEmpty()) {
            throw new IllegalArgumentException(name + " needs a when with workload, operation or recordType");
        }
        for (Iterator<String> keys = when.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!CONDITIONS.contains(key)) {
                throw new IllegalArgumentException(name + " has an unknown condition '" + key
                        + "' (known: workload, operation, recordType)");
            }
        }
        Set<Integer> recordTypes = new LinkedHashSet<>();
        for (String type : values(when.path("recordType"), name)) {
            recordTypes.add(recordType(type, name));
        }
        return new Rule(values(when.path("workload"), name), values(when.path("operation"), name), recordTypes,
                topic);
    }

    private static Set<String> values(JsonNode condition, String name) {
        Set<String> values = new LinkedHashSet<>();
        if (condition.isMissingNode()) {
            return values;
        }
        for (JsonNode value : condition.isArray() ? condition : List.of(condition)) {
            if (!value.isValueNode() || value.asText().isBlank()) {
                throw new IllegalArgumentException(name + " has a condition value that is not a word or a number");
            }
            values.add(value.asText());
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(name + " has a condition with no value");
        }
        return values;
    }

    private static int recordType(String type, String name) {
        if (type.matches("\\d{1,6}")) {
            return Integer.parseInt(type);
        }
        for (int number = 0; number <= RecordTypes.highest(); number++) {
            if (type.equals(RecordTypes.nameOf(number))) {
                return number;
            }
        }
        throw new IllegalArgumentException(name + " names a record type '" + type + "' that Microsoft's enum does not"
                + " have (a number works too)");
    }

    /** The topic of the first rule the record matches, or null: its content type's topic. */
    public String topicFor(AuditRecord record) {
        for (Rule rule : rules) {
            if (rule.matches(record)) {
                return rule.topic();
            }
        }
        return null;
    }

    /** The topics the rules send to, to be created with the record topics. */
    public List<String> topics() {
        return rules.stream().map(Rule::topic).distinct().toList();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    private static String firstLine(String message) {
        String text = message == null ? "unreadable" : message;
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
