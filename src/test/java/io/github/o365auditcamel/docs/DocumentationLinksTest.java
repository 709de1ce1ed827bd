package io.github.o365auditcamel.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The pages a user reads hold together: every relative link of README.md, CONTRIBUTING.md and docs/*.md names a file
 * of the repository and, with {@code #anchor}, a heading of that page (as GitHub makes anchors from headings); and the
 * README's first screen stays a first screen.
 */
class DocumentationLinksTest {

    /** {@code [text](target)}, the target without spaces; images too. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final int README_MOST_LINES = 60;

    @Test
    void everyRelativeLinkOfTheDocumentationNamesAFileAndAHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher link = LINK.matcher(withoutCodeBlocks(Files.readString(page)));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(linked).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading in " + linked + ")");
                }
            }
        }
        assertEquals(List.of(), broken, "links in the documentation that lead nowhere");
    }

    @Test
    void theReadmeFitsOnAFirstScreen() throws IOException {
        long lines = Files.readAllLines(Path.of("README.md")).size();
        assertTrue(lines <= README_MOST_LINES, "README.md has " + lines + " lines; the details belong in docs/");
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CONTRIBUTING.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as dashes. */
    private static Set<String> anchors(Path page) throws IOException {
        if (!page.toString().endsWith(".md")) {
            return Set.of();
        }
        return withoutCodeBlocks(Files.readString(page)).lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").replace("`", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    private static String withoutCodeBlocks(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "");
    }
}
