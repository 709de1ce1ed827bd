package io.github.o365auditcamel.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The table of dead letters in docs/operations.md lists exactly the reason codes the collector writes, so the two
 * cannot drift.
 */
class DeadLetterReasonsDocumentedTest {

    @Test
    void theDocumentedTableOfDeadLettersHasEveryReasonCodeAndNoOther() throws Exception {
        String operations = Files.readString(Path.of("docs/operations.md"));
        String table = operations.substring(operations.indexOf("| `reasonCode` |"));
        table = table.substring(0, table.indexOf("\n\n"));
        Set<String> documented = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> written = new LinkedHashSet<>();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            written.add(reason.code());
        }

        assertEquals(written, documented);
    }
}
