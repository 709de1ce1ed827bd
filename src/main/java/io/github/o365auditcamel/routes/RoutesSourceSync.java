package io.github.o365auditcamel.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the working {@code routes/} folder a copy of a read-only source folder: on Kubernetes, the routes ConfigMap
 * (set {@code O365_ROUTES_SOURCE_DIR} to where it is mounted). The kubelet updates a mounted ConfigMap by swapping a
 * {@code ..data} symlink to a new folder, which Camel's route watcher does not follow; a route file written here
 * instead is an ordinary change, which Camel reloads. Files are compared by content and written by an atomic move,
 * so that Camel never reads half a file. Files removed from the source stay (Camel does not unload routes either).
 */
public final class RoutesSourceSync {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesSourceSync.class);

    private final Path source;
    private final Path target;

    public RoutesSourceSync(Path source, Path target) {
        this.source = source;
        this.target = target;
    }

    /**
     * Copies every route file whose content differs from the working copy; returns how many. Names starting with
     * {@code ..} (the kubelet's own folders and links) are not route files.
     */
    public int syncOnce() throws IOException {
        Files.createDirectories(target);
        int copied = 0;
        List<Path> files;
        try (Stream<Path> listing = Files.list(source)) {
            files = listing.filter(p -> !p.getFileName().toString().startsWith(".."))
                    .filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .filter(Files::isRegularFile)
                    .sorted().toList();
        }
        for (Path file : files) {
            byte[] wanted = Files.readAllBytes(file);
            Path copy = target.resolve(file.getFileName().toString());
            if (Files.exists(copy) && Arrays.equals(wanted, Files.readAllBytes(copy))) {
                continue;
            }
            Path partial = target.resolve("." + file.getFileName() + ".partial");
            Files.write(partial, wanted);
            Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            copied++;
        }
        return copied;
    }

    /**
     * With {@code O365_ROUTES_SOURCE_DIR} set: copies the routes once now, before Camel loads them, then every two
     * seconds in the background. Without it: nothing.
     */
    public static void startFromEnvironment(Path target) {
        String dir = System.getenv("O365_ROUTES_SOURCE_DIR");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path source = Path.of(dir.trim());
        if (!Files.isDirectory(source)) {
            throw new IllegalArgumentException("O365_ROUTES_SOURCE_DIR is not a directory: " + source);
        }
        RoutesSourceSync sync = new RoutesSourceSync(source, target);
        try {
            LOG.info("Routes copied from {} to {}: {} files", source, target, sync.syncOnce());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the routes from O365_ROUTES_SOURCE_DIR " + source, e);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "routes-source-sync");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                int copied = sync.syncOnce();
                if (copied > 0) {
                    LOG.info("{} route files changed in {}: copied to {} for reloading", copied, source, target);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Cannot copy the routes from {}: {}", source, e.toString());
            }
        }, 2, 2, TimeUnit.SECONDS);
    }
}
