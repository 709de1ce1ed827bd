package io.github.o365auditcamel.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes tests' shared part: k8s/ rendered with {@code kubectl kustomize} (as {@code kubectl apply -k} would),
 * and a few ways to walk the objects. A test is skipped, saying so, where kubectl is missing (it comes with these
 * machines' image, not from Debian).
 */
final class Manifests {

    private Manifests() {
    }

    /** The objects {@code kubectl kustomize dir} renders, by {@code kind/name}. */
    static Map<String, Map<String, Object>> render(String dir) throws IOException, InterruptedException {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", dir).redirectErrorStream(false).start();
        } catch (IOException missing) {
            Assumptions.abort("kubectl is not installed here, so k8s/ cannot be rendered: " + missing.getMessage());
            throw missing;
        }
        byte[] out = kubectl.getInputStream().readAllBytes();
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + dir + ": " + err);
        Map<String, Map<String, Object>> objects = new TreeMap<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(
                new String(out, StandardCharsets.UTF_8))) {
            Map<String, Object> object = cast((Map<?, ?>) doc);
            objects.put(object.get("kind") + "/" + at(object, "metadata", "name"), object);
        }
        return objects;
    }

    /** The object {@code kind/name}, which must be there. */
    static Map<String, Object> object(Map<String, Map<String, Object>> objects, String key) {
        Map<String, Object> object = objects.get(key);
        assertNotNull(object, key + " is not among " + objects.keySet());
        return object;
    }

    /** Every object of a kind. */
    static List<Map<String, Object>> ofKind(Map<String, Map<String, Object>> objects, String kind) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(kind + "/")).map(Map.Entry::getValue)
                .toList();
    }

    /** Every document of a YAML file. */
    static List<Map<String, Object>> yamlFile(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))
                .forEach(doc -> docs.add(cast((Map<?, ?>) doc)));
        return docs;
    }

    /** The pod template's spec of a workload. */
    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return cast((Map<?, ?>) at(workload, "spec", "template", "spec"));
    }

    /** The workload's one container, the collector. */
    static Map<String, Object> container(Map<String, Object> workload) {
        return first(list(podSpec(workload).get("containers")));
    }

    /** The container's environment variable of that name, or null. */
    static Map<String, Object> env(Map<String, Object> container, String name) {
        return maps(container.get("env")).stream().filter(e -> name.equals(e.get("name"))).findFirst().orElse(null);
    }

    /** The pod template's labels. */
    static Map<String, Object> podLabels(Map<String, Object> workload) {
        return cast((Map<?, ?>) at(workload, "spec", "template", "metadata", "labels"));
    }

    /** Whether a label selector's matchLabels all appear, with the same values, among the labels. */
    static boolean selects(Object matchLabels, Map<String, Object> labels) {
        Map<String, Object> wanted = cast((Map<?, ?>) matchLabels);
        return !wanted.isEmpty() && labels.entrySet().containsAll(wanted.entrySet());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> typed(List<Object> list) {
        return (List<T>) list;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? new ArrayList<>() : (List<Object>) value;
    }

    /** A list of objects (maps), empty when absent. */
    static List<Map<String, Object>> maps(Object value) {
        return typed(list(value));
    }

    static Map<String, Object> first(List<Object> list) {
        return cast((Map<?, ?>) list.get(0));
    }

    /** The value at a path of keys, or null where one is missing. */
    static Object at(Map<String, Object> map, String... path) {
        Object current = map;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }
}
