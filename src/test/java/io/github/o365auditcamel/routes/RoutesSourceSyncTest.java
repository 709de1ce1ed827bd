package io.github.o365auditcamel.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.o365auditcamel.k8s.KubeletConfigMapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A routes ConfigMap as the kubelet mounts and updates it (files that link through a {@code ..data} symlink, swapped
 * atomically to a new timestamped folder) is copied into the working routes folder, so that Camel sees ordinary
 * file changes.
 */
class RoutesSourceSyncTest {

    @TempDir
    Path dir;

    @Test
    void aConfigMapUpdateReachesTheWorkingRoutesAsOrdinaryFileChanges() throws Exception {
        Path mount = dir.resolve("config-routes");
        Path routes = dir.resolve("routes");
        KubeletConfigMapWriter kubelet = new KubeletConfigMapWriter(mount);
        kubelet.write(Map.of(
                "publish.camel.yaml", "- route:\n    id: publish-records\n",
                "fetch-content.camel.yaml", "- route:\n    id: fetch-content\n"));
        RoutesSourceSync sync = new RoutesSourceSync(mount, routes);

        assertEquals(2, sync.syncOnce(), "both files copied at start");
        assertEquals(Set.of("fetch-content.camel.yaml", "publish.camel.yaml"), names(routes));
        assertEquals(0, sync.syncOnce(), "nothing changed, nothing written");

        // an operator edits one route in the ConfigMap; the kubelet swaps ..data to a new folder
        Path untouched = routes.resolve("fetch-content.camel.yaml");
        Files.setLastModifiedTime(untouched, FileTime.fromMillis(1_000_000));
        kubelet.write(Map.of(
                "publish.camel.yaml", "- route:\n    id: publish-records\n    description: edited\n",
                "fetch-content.camel.yaml", "- route:\n    id: fetch-content\n"));

        assertEquals(1, sync.syncOnce(), "only the edited file");
        assertEquals("- route:\n    id: publish-records\n    description: edited\n",
                Files.readString(routes.resolve("publish.camel.yaml")));
        assertEquals(FileTime.fromMillis(1_000_000), Files.getLastModifiedTime(untouched), "the other not rewritten");
        assertFalse(names(routes).stream().anyMatch(n -> n.startsWith(".")), "no partial files left behind");
    }

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
