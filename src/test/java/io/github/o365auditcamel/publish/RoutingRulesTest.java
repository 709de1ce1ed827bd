package io.github.o365auditcamel.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.fetch.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing rules as a user writes them: the first rule whose every condition holds sends a record to its topic, record
 * types by number or by name; a record no rule matches stays with its content type; a mistake in the file is one
 * line naming O365_ROUTING_RULES and the rule.
 */
class RoutingRulesTest {

    @TempDir
    Path dir;

    @Test
    void theFirstRuleWhoseConditionsAllHoldDecidesTheTopic() throws IOException {
        RoutingRules rules = RoutingRules.load(file("""
                # mail access to a topic of its own; Copilot, whatever its workload, to another
                - when:
                    workload: Exchange
                    operation: [MailItemsAccessed, Send]
                  topic: o365.exchange.mail
                - when:
                    recordType: [CopilotInteraction, 284]
                  topic: o365.copilot
                - when:
                    workload: Exchange
                  topic: o365.exchange.other
                """));

        assertEquals("o365.exchange.mail", rules.topicFor(record("Exchange", "MailItemsAccessed", 50)));
        assertEquals("o365.exchange.mail", rules.topicFor(record("Exchange", "Send", 2)));
        assertEquals("o365.exchange.other", rules.topicFor(record("Exchange", "Set-Mailbox", 1)));
        assertEquals("o365.copilot", rules.topicFor(record("Copilot", "CopilotInteraction", 261)));
        assertEquals("o365.copilot", rules.topicFor(record("Purview", "AIAppInteraction", 284)));
        assertNull(rules.topicFor(record("SharePoint", "FileAccessed", 6)), "its content type's topic");
        assertNull(rules.topicFor(record(null, null, -1)), "a record without the fields matches no condition");
        assertEquals(List.of("o365.exchange.mail", "o365.copilot", "o365.exchange.other"), rules.topics());
    }

    @Test
    void aMistakeInTheFileSaysWhichRuleAndWhat() throws IOException {
        assertEquals("rule 2 has an unknown condition 'user' (known: workload, operation, recordType)",
                problem("- {when: {workload: Exchange}, topic: a}\n- {when: {user: x}, topic: b}\n"));
        assertEquals("rule 1 has an unknown key 'to' (known: when, topic)",
                problem("- {when: {workload: Exchange}, to: a}\n"));
        assertEquals("rule 1 needs a topic of letters, digits, '.', '_' and '-'",
                problem("- {when: {workload: Exchange}, topic: 'a b'}\n"));
        assertEquals("rule 1 needs a when with workload, operation or recordType", problem("- {topic: a}\n"));
        assertEquals("rule 1 names a record type 'CopilotChat' that Microsoft's enum does not have (a number works"
                + " too)", problem("- {when: {recordType: CopilotChat}, topic: a}\n"));
        assertEquals("must be a YAML list of rules (- when: {...} topic: ...)", problem("when: {workload: x}\n"));
        assertTrue(problem("- {when: [\n").startsWith("is not YAML: "));
    }

    @Test
    void aBadRulesFileStopsStartupWithOneLineNamingTheSetting() throws IOException {
        Path rules = file("- {when: {user: x}, topic: b}\n");
        Map<String, String> values = Map.of("o365.tenant-id", "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b",
                "o365.client-id", "0b1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b", "o365.client-secret", "s",
                "o365.routing-rules", rules.toString());

        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> CollectorSettings.from(values::get));

        assertTrue(e.getMessage().startsWith("O365_ROUTING_RULES rule 1 has an unknown condition 'user'"),
                e.getMessage());
    }

    private String problem(String yaml) throws IOException {
        Path file = file(yaml);
        return assertThrows(IllegalArgumentException.class, () -> RoutingRules.load(file)).getMessage();
    }

    private Path file(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "rules", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static AuditRecord record(String workload, String operation, int recordType) {
        return new AuditRecord("id", new byte[] {'{', '}'}, 2, workload, operation, recordType, null);
    }
}
