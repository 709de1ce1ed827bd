package io.github.o365auditcamel.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the tests, the demo and the benchmark need of this machine: free ports, this JVM's java, the collector's class data archive, temp clean-up. */
public final class LocalMachine {

    private LocalMachine() {
    }

    /** A TCP port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The preferred port when it is free (the well-known one a user expects), else any free one. */
    public static int freePortOr(int preferred) {
        try (ServerSocket socket = new ServerSocket(preferred)) {
            return preferred;
        } catch (IOException busy) {
            return freePort();
        }
    }

    /** The java of this JVM, for child processes. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The JVM option that maps the collector's class data archive ({@code bin/class-data-archive}), as bin/run does,
     * when the archive is there; none when it is not. The jar must then be given by its absolute path: the archive
     * holds the class path it was made with, and a JVM that cannot use it starts without it.
     */
    public static List<String> classDataArchive() {
        Path archive = Path.of("target/o365-audit-camel.jsa").toAbsolutePath();
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
    }

    /** Deletes a file or a folder with everything in it, ignoring what cannot be deleted. */
    public static void deleteQuietly(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteQuietly(child);
            }
        }
        file.delete();
    }
}
