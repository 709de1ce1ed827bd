package io.github.o365auditcamel.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/design.md's table "Classes, stage by stage" names every class of {@code src/main/java}, once, with its stage
 * and its job, and no class that is gone: a newcomer finds where each class belongs.
 */
class DesignClassesTest {

    private static final String SECTION = "## Classes, stage by stage";
    /** A row: {@code | stage | `Class` | its job |}, stage and job not empty. */
    private static final Pattern ROW = Pattern.compile("^\\| ([^|]+?) \\| `(\\w+)` \\| ([^|]+?) \\|$");

    @Test
    void theDesignNamesEveryMainClassWithItsStageAndNoOther() throws IOException {
        Set<String> classes;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            classes = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .map(n -> n.substring(0, n.length() - ".java".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> documented = new TreeSet<>();
        for (String line : section().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| stage")).toList()) {
            Matcher row = ROW.matcher(line);
            assertTrue(row.matches(), "docs/design.md, a row that is not '| stage | `Class` | its job |': " + line);
            assertTrue(documented.add(row.group(2)), "docs/design.md names " + row.group(2) + " twice");
        }

        assertTrue(classes.size() > 50, "src/main/java read from the project's root: " + classes.size());
        Set<String> missing = new TreeSet<>(classes);
        missing.removeAll(documented);
        Set<String> gone = new TreeSet<>(documented);
        gone.removeAll(classes);
        assertEquals("", (missing.isEmpty() ? "" : "classes docs/design.md's '" + SECTION + "' does not name: " + missing)
                + (gone.isEmpty() ? "" : " classes it names that src/main/java no longer has: " + gone));
    }

    private static String section() throws IOException {
        String page = Files.readString(Path.of("docs/design.md"));
        int start = page.indexOf(SECTION);
        assertTrue(start >= 0, "docs/design.md has no section '" + SECTION + "'");
        int end = page.indexOf("\n## ", start + SECTION.length());
        return page.substring(start, end < 0 ? page.length() : end);
    }
}
