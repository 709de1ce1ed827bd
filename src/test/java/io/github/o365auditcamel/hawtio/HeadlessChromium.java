package io.github.o365auditcamel.hawtio;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A headless Chromium (Debian's {@code chromium}, or {@code chromium-browser} / {@code google-chrome}) driven over
 * the DevTools protocol, enough to open a page, run JavaScript in it and take a screenshot.
 *
 * <p>The browser runs with a fresh profile in a temporary directory and {@code --remote-debugging-port=0}; the port
 * it chose is read from the profile's {@code DevToolsActivePort} file, and this class talks to its one page target
 * over a {@link WebSocket}, keeping the page's console messages for failure messages. {@link #close()} ends the
 * browser and all its helper processes and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final List<String> BINARIES = List.of("chromium", "chromium-browser", "google-chrome",
            "google-chrome-stable");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> console = new CopyOnWriteArrayList<>();
    private final Process process;
    private final Path profile;
    private final Path output;
    private WebSocket page;

    private HeadlessChromium(Process process, Path profile, Path output) {
        this.process = process;
        this.profile = profile;
        this.output = output;
    }

    /** The first Chromium or Chrome found on the PATH. */
    static Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        return BINARIES.stream()
                .flatMap(name -> Stream.of(path.split(File.pathSeparator))
                        .filter(dir -> !dir.isEmpty())
                        .map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts the browser on about:blank with a viewport of the given size and connects to its page. */
    static HeadlessChromium start(Path binary, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("headless-chromium");
        Path output = profile.resolveSibling(profile.getFileName() + ".log");
        Process process = new ProcessBuilder(binary.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        HeadlessChromium browser = new HeadlessChromium(process, profile, output);
        try {
            browser.connect();
        } catch (IOException | RuntimeException | InterruptedException e) {
            browser.close();
            throw e;
        }
        return browser;
    }

    private void connect() throws IOException, InterruptedException {
        Path activePort = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(activePort) || Files.readAllLines(activePort).isEmpty()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Chromium did not open its DevTools port:\n" + output());
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
        String pageUrl = null;
        while (pageUrl == null) {
            HttpResponse<String> targets = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : json.readTree(targets.body())) {
                if ("page".equals(target.path("type").asText())) {
                    pageUrl = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageUrl == null) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Chromium shows no page target: " + targets.body());
                }
                Thread.sleep(100);
            }
        }
        page = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new Replies()).join();
        send("Runtime.enable", json.createObjectNode());
    }

    /** Opens a URL in the page (returns once navigation started; wait for content with {@link #await}). */
    void navigate(String url) {
        ObjectNode params = json.createObjectNode().put("url", url);
        JsonNode result = send("Page.navigate", params);
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + result.get("errorText").asText());
        }
    }

    /** Runs a JavaScript expression in the page (promises are awaited) and returns its value as JSON. */
    JsonNode evaluate(String expression) {
        ObjectNode params = json.createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /**
     * Evaluates {@code expression} every 250 ms until {@code accept} holds for its value, and returns that value.
     * Fails after {@code timeout}, showing the last value.
     */
    JsonNode await(String expression, Predicate<JsonNode> accept, Duration timeout, String what)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode value = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                value = evaluate(expression);
                if (accept.test(value)) {
                    return value;
                }
            } catch (IllegalStateException e) {
                // the page is navigating: its context is gone for a moment
                value = json.getNodeFactory().textNode(e.getMessage());
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not within " + timeout + ": " + what + "; last value: " + value);
    }

    /** The page's visible text. */
    String text() {
        return evaluate("document.body ? document.body.innerText : ''").asText();
    }

    /** A PNG of the page as it shows in the viewport. */
    void screenshot(Path file) throws IOException {
        JsonNode result = send("Page.captureScreenshot", json.createObjectNode().put("format", "png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(result.get("data").asText()));
    }

    private JsonNode send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode command = json.createObjectNode().put("id", id).put("method", method);
        command.set("params", params);
        try {
            page.sendText(json.writeValueAsString(command), true).join();
            JsonNode answer = reply.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.has("error")) {
                throw new IllegalStateException(method + ": " + answer.get("error"));
            }
            return answer.path("result");
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(method + " got no answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    /** The page's console messages and uncaught exceptions so far (for failure messages). */
    List<String> console() {
        return List.copyOf(console);
    }

    /** What the browser printed (for failure messages). */
    String output() {
        try {
            return Files.exists(output) ? Files.readString(output) : "";
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (page != null) {
            page.abort();
        }
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        helpers.forEach(ProcessHandle::destroyForcibly);
        deleteQuietly(profile);
        deleteQuietly(output);
    }

    private static void deleteQuietly(Path path) {
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans up what is left
        }
    }

    /** Collects the frames of each message and completes the command it answers; keeps console events. */
    private final class Replies implements WebSocket.Listener {

        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode reply = json.readTree(message.toString());
                    CompletableFuture<JsonNode> waiting = reply.has("id") ? pending.get(reply.get("id").asInt()) : null;
                    if (waiting != null) {
                        waiting.complete(reply);
                    } else if ("Runtime.consoleAPICalled".equals(reply.path("method").asText())) {
                        JsonNode params = reply.path("params");
                        StringBuilder line = new StringBuilder(params.path("type").asText()).append(':');
                        params.path("args").forEach(arg -> line.append(' ').append(
                                arg.has("value") ? arg.get("value").asText() : arg.path("description").asText()));
                        console.add(line.toString());
                    } else if ("Runtime.exceptionThrown".equals(reply.path("method").asText())) {
                        console.add("exception: " + reply.path("params").path("exceptionDetails"));
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                } finally {
                    message.setLength(0);
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
