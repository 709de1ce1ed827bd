package io.github.o365auditcamel.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a folder the way the kubelet mounts and updates a ConfigMap: the files of each version in a new timestamped
 * folder, a {@code ..data} symlink swapped to it atomically, and one symlink per key pointing through {@code ..data}.
 */
public final class KubeletConfigMapWriter {

    private final Path mount;
    private int version;

    public KubeletConfigMapWriter(Path mount) {
        this.mount = mount;
    }

    /** Publishes a new version of the ConfigMap's data (key = file name). */
    public void write(Map<String, String> files) throws IOException {
        String folder = "..2026_11_25_00_00_00." + (++version);
        Files.createDirectories(mount.resolve(folder));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(mount.resolve(folder).resolve(file.getKey()), file.getValue());
        }
        Path dataTmp = mount.resolve("..data_tmp");
        Files.deleteIfExists(dataTmp);
        Files.createSymbolicLink(dataTmp, Path.of(folder));
        Files.move(dataTmp, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        for (String name : files.keySet()) {
            Path link = mount.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data", name));
            }
        }
    }
}
