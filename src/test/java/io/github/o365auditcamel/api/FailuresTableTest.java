package io.github.o365auditcamel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The table of failures users read (docs/operations.md, "When things go wrong") says what the collector does with
 * each answer of the service, and {@link ApiResponseClassifier#TABLE} decides it: every AF code of one is in the other,
 * and the codes of one row of the table all lead to the same outcome.
 */
class FailuresTableTest {

    private static final Pattern CODES = Pattern.compile("AF(\\d+)(?:-AF(\\d+))?");

    @Test
    void theUsersTableOfFailuresNamesEveryCodeTheClassifierKnowsOneOutcomeARow() throws IOException {
        List<Set<String>> rows = tableRowsCodes();
        Set<String> documented = rows.stream().flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));

        assertEquals(new TreeSet<>(ApiResponseClassifier.TABLE.keySet()), documented,
                "the AF codes of docs/operations.md's table of failures against ApiResponseClassifier.TABLE");
        for (Set<String> row : rows) {
            Set<ApiOutcome> outcomes = row.stream().map(ApiResponseClassifier.TABLE::get).collect(Collectors.toSet());
            assertEquals(1, outcomes.size(), "one row, one outcome: " + row + " lead to " + outcomes);
        }
    }

    /** The AF codes of each row of the table under "## When things go wrong" that names any (ranges expanded). */
    private static List<Set<String>> tableRowsCodes() throws IOException {
        String page = Files.readString(Path.of("docs/operations.md"));
        int section = page.indexOf("## When things go wrong");
        assertTrue(section >= 0, "docs/operations.md has no section 'When things go wrong'");
        List<Set<String>> rows = new ArrayList<>();
        for (String line : page.substring(section).lines().toList()) {
            if (!line.startsWith("| ")) {
                continue;
            }
            Set<String> codes = new TreeSet<>();
            Matcher m = CODES.matcher(line);
            while (m.find()) {
                int first = Integer.parseInt(m.group(1));
                int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
                for (int code = first; code <= last; code++) {
                    codes.add("AF" + String.format("%0" + m.group(1).length() + "d", code));
                }
            }
            if (!codes.isEmpty()) {
                rows.add(codes);
            }
        }
        return rows;
    }
}
