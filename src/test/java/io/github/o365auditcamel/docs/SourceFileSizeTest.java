package io.github.o365auditcamel.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Files stay small enough to read: no Java source, main or test, and no route file is over 30 KB. A file that grows
 * past it does more than one job and is split by job (as the simulator was, by endpoint).
 */
class SourceFileSizeTest {

    private static final long MOST_BYTES = 30 * 1024;

    @Test
    void noSourceFileIsOverThirtyKilobytes() throws IOException {
        List<String> tooLarge;
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src")), Files.walk(Path.of("routes")))) {
            tooLarge = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".yaml"))
                    .filter(f -> size(f) > MOST_BYTES)
                    .map(f -> f + " (" + size(f) / 1024 + " KB)").sorted().toList();
        }
        assertEquals(List.of(), tooLarge, "source files over 30 KB");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
