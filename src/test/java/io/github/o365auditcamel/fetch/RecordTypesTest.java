package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * RecordType numbers get the names of Microsoft's enum AuditLogRecordType, from the table {@code bin/record-types}
 * generated; a number Microsoft added since has none.
 */
class RecordTypesTest {

    @Test
    void theNamesOfKnownRecordTypesComeFromMicrosoftsEnum() {
        assertEquals("ExchangeAdmin", RecordTypes.nameOf(1));
        assertEquals("ExchangeItem", RecordTypes.nameOf(2));
        assertEquals("SharePointFileOperation", RecordTypes.nameOf(6));
        assertEquals("AzureActiveDirectory", RecordTypes.nameOf(8));
        assertEquals("AzureActiveDirectoryStsLogon", RecordTypes.nameOf(15));
        assertEquals("MicrosoftTeams", RecordTypes.nameOf(25));
        assertEquals("AipDiscover", RecordTypes.nameOf(93), "a number the table links to its schema");
    }

    @Test
    void copilotAndAiRecordTypesHaveTheirNames() {
        assertEquals("CopilotInteraction", RecordTypes.nameOf(261));
        assertEquals("AIAppInteraction", RecordTypes.nameOf(284));
        assertEquals("ConnectedAIAppInteraction", RecordTypes.nameOf(328));
        assertEquals("TeamCopilotInteraction", RecordTypes.nameOf(334));
    }

    @Test
    void aNumberTheTableDoesNotKnowHasNoName() {
        assertNull(RecordTypes.nameOf(5), "a gap in Microsoft's numbering");
        assertNull(RecordTypes.nameOf(0));
        assertNull(RecordTypes.nameOf(-1));
        assertNull(RecordTypes.nameOf(99_999), "larger than any the generator accepts");
        assertNull(RecordTypes.nameOf(Integer.MAX_VALUE));
    }

    @Test
    void theTableHoldsEveryPublishedType() {
        assertTrue(RecordTypes.size() >= 257, "257 types in Microsoft's table of 2026-06-24: " + RecordTypes.size());
    }

    @Test
    void theResourceIsOneNumberAndMemberNameALineEachNumberOnceInOrder() throws Exception {
        String text;
        try (InputStream in = RecordTypes.class.getClassLoader().getResourceAsStream(RecordTypes.RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(text.contains("# Source: github.com/MicrosoftDocs/office-365-management-api, "
                + "office-365-management-api/office-365-management-activity-api-schema.md\n"), "names its source");
        assertTrue(Pattern.compile("(?m)^# Commit: [0-9a-f]{40} \\(\\d{4}-\\d{2}-\\d{2}\\)$").matcher(text).find(),
                "names the source's commit and its date");

        Pattern entry = Pattern.compile("(\\d+)=([A-Za-z0-9]+)");
        int previous = -1;
        int count = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = entry.matcher(line);
            assertTrue(m.matches(), "not <number>=<MemberName>: '" + line + "'");
            int number = Integer.parseInt(m.group(1));
            assertTrue(number > previous, number + " after " + previous + ": not unique and ascending");
            assertTrue(number < 10_000, number + ": RecordTypes indexes an array by number");
            assertEquals(m.group(2), RecordTypes.nameOf(number));
            previous = number;
            count++;
        }
        assertEquals(count, RecordTypes.size());
    }
}
