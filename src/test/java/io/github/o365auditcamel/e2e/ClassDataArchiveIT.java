package io.github.o365auditcamel.e2e;

import static io.github.o365auditcamel.testing.LocalMachine.classDataArchive;
import static io.github.o365auditcamel.testing.LocalMachine.javaBin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The class data archive that {@code bin/class-data-archive} builds (the build runs it before these tests, as
 * {@code bin/run} does before it starts the jar) is one the JVM can use: the collector's own classes and Camel's come
 * from it, not from the jars.
 */
class ClassDataArchiveIT {

    @Test
    void theJarStartsWithItsClassesMappedFromTheArchive() throws Exception {
        List<String> archive = classDataArchive();
        assertFalse(archive.isEmpty(), "target/o365-audit-camel.jsa was not built (bin/class-data-archive)");
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xshare:on", "-Xlog:class+load=info"));
        command.addAll(archive);
        command.addAll(List.of("-jar", Path.of("target/o365-audit-camel.jar").toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(CollectorProcess.freshWorkingDirectory().toFile()).redirectErrorStream(true);
        // no settings: the jar stops at its first check, after Camel's main and the collector's configuration loaded
        builder.environment().keySet().removeIf(k -> k.startsWith("O365_") || k.startsWith("KAFKA_")
                || k.startsWith("CAMEL_"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));

        // -Xshare:on refuses to start at all with an archive it cannot map
        assertEquals(2, process.exitValue(), output);
        for (String sharedClass : List.of("io.github.o365auditcamel.Application",
                "io.github.o365auditcamel.CollectorConfiguration", "org.apache.camel.main.Main")) {
            assertTrue(output.contains(sharedClass + " source: shared objects file"),
                    sharedClass + " was not mapped from the archive:\n" + output.lines()
                            .filter(l -> l.contains(sharedClass + " ")).findFirst().orElse("(not loaded)"));
        }
    }
}
