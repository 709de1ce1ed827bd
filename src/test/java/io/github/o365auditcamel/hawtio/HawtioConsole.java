package io.github.o365auditcamel.hawtio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Hawtio console started exactly as a user starts it: {@code bin/hawtio}, from the project directory, configured
 * by its environment variables ({@code HAWTIO_PORT}, {@code COLLECTOR_JOLOKIA_URL}, {@code HAWTIO_WORK_DIR}).
 *
 * <p>{@link #awaitUrl(Duration)} returns the URL that the script prints for the user to open. {@link #close()} stops
 * the script (which stops its Hawtio JVM) and, should anything be left, the JVM itself.
 */
final class HawtioConsole implements AutoCloseable {

    static final String OPEN_PREFIX = "[hawtio] open: ";
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    private final Process process;
    private final Path output;

    private HawtioConsole(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static HawtioConsole start(Path workDir, Map<String, String> env) throws IOException {
        Files.createDirectories(workDir);
        Path output = workDir.resolve("hawtio.log");
        ProcessBuilder builder = new ProcessBuilder("bash", PROJECT.resolve("bin/hawtio").toString())
                .directory(PROJECT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("HAWTIO_") || k.equals("COLLECTOR_JOLOKIA_URL"));
        builder.environment().put("HAWTIO_WORK_DIR", workDir.toString());
        builder.environment().putAll(env);
        return new HawtioConsole(builder.start(), output);
    }

    /** Waits for the line with the URL to open (the script prints it once Hawtio serves it). */
    String awaitUrl(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<String> lines = output().lines().filter(l -> l.startsWith(OPEN_PREFIX)).toList();
            if (!lines.isEmpty()) {
                return lines.get(0).substring(OPEN_PREFIX.length()).trim();
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("bin/hawtio printed no URL to open:\n" + output());
            }
            Thread.sleep(200);
        }
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** SIGTERM to the script, which stops Hawtio; then whatever is left of it is killed. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
            child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> child).join();
        }
    }
}
