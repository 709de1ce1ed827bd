package io.github.o365auditcamel.hawtio;

import static io.github.o365auditcamel.testing.LocalMachine.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.o365auditcamel.e2e.CollectorProcess;
import io.github.o365auditcamel.kafka.EmbeddedKafkaBroker;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Hawtio console as a user gets it: the collector jar runs against the simulator and a real Kafka broker,
 * {@code bin/hawtio} starts Hawtio 3.0.0 pointed at the collector's Jolokia, and a headless Chromium opens the URL
 * that the script prints. The page lands in Hawtio's Camel view, connected to the collector through Hawtio's proxy;
 * the routes view lists our routes with exchange counts that grow while the collector polls, and a route's diagram
 * and source view show its steps (from the route dumps that the read-only Jolokia policy allows).
 *
 * <p>Screenshots of the routes view and of the route diagram are written to {@code target/hawtio-routes.png} and
 * {@code target/hawtio-route-diagram.png} (the one in {@code docs/hawtio-routes.png} was taken by this test). Without
 * a Chromium or Chrome on the PATH the test is skipped, not failed.
 */
class HawtioConsoleIT {

    private static final List<String> OUR_ROUTES = List.of("run-tenant-task", "fetch-content",
            "retry-dead-letters");
    /** A route that runs every poll (2 s here), so its count grows while we watch. */
    private static final String POLLING_ROUTE = "run-tenant-task";
    private static final Path SCREENSHOT = Path.of("target/hawtio-routes.png");
    /**
     * A route whose diagram is drawn, and the starts of its steps' labels (Hawtio cuts them short): where it starts,
     * its two exception clauses, the API call, the split and where each item goes. Hawtio 3.0.0 cannot draw a route
     * whose XML starts with a route-level {@code <errorHandler>} (our {@code errorHandler: noErrorHandler: {}}): its
     * layout fails and the page goes blank. This route has none.
     */
    private static final String DIAGRAM_ROUTE = "list-content-page";
    private static final List<String> DIAGRAM_NODES = List.of("From direct:list-", "On Exception", "To direct:call-",
            "Split", "To direct:enqueue");
    private static final Path DIAGRAM_SCREENSHOT = Path.of("target/hawtio-route-diagram.png");
    private static final String NO_BROWSER = "skipped: no chromium, chromium-browser or google-chrome on the PATH "
            + "(on Debian: apt-get install chromium); this test needs a headless browser";

    private static Path chromiumBinary;
    private static EmbeddedKafkaBroker broker;
    private static ManagementApiSimulator simulator;
    private static CollectorProcess collector;
    private static HawtioConsole hawtio;
    private static String jolokiaUrl;
    private static String hawtioPort;
    private static String consoleUrl;

    private HeadlessChromium browser;

    @BeforeAll
    static void startCollectorAndHawtio() throws Exception {
        Optional<Path> chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            // each test is reported as skipped, with this reason (see openBrowser)
            System.out.println("HawtioConsoleIT: " + NO_BROWSER);
            return;
        }
        chromiumBinary = chromium.get();

        // the JVM's broker, with topics of this test's own
        broker = EmbeddedKafkaBroker.shared();
        simulator = ManagementApiSimulator.builder()
                .blobsPerContentType(2)
                .recordsPerBlob(10)
                .backlog(Duration.ofHours(6))
                .seed(11)
                .build();
        simulator.start();

        Map<String, String> env = CollectorProcess.environment(simulator, broker.bootstrapServers(), "hawtio.");
        // the collector's management port, a free one (O365_MANAGEMENT_PORT)
        String managementPort = env.get("O365_MANAGEMENT_PORT");
        collector = CollectorProcess.start(CollectorProcess.freshWorkingDirectory(), env);
        jolokiaUrl = "http://localhost:" + managementPort + "/observe/jolokia";

        hawtioPort = String.valueOf(freePort());
        Map<String, String> hawtioEnv = new HashMap<>();
        hawtioEnv.put("HAWTIO_PORT", hawtioPort);
        hawtioEnv.put("COLLECTOR_JOLOKIA_URL", jolokiaUrl);
        hawtio = HawtioConsole.start(Files.createTempDirectory("hawtio-console"), hawtioEnv);

        awaitRoutes(Duration.ofSeconds(60));
        consoleUrl = hawtio.awaitUrl(Duration.ofSeconds(120));
    }

    /**
     * Waits until the collector's Camel context has started, with our routes: Jolokia answers while Camel is still
     * adding routes, and Hawtio 3.0.0 reads the MBean tree once per page load (a page opened earlier shows a partial
     * tree until it is reloaded).
     */
    private static void awaitRoutes(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI state = URI.create(jolokiaUrl + "/read/org.apache.camel:type=context,*/State");
        URI search = URI.create(jolokiaUrl + "/search/org.apache.camel:type=routes,*");
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        while (true) {
            try {
                last = get(http, state);
                String routes = get(http, search);
                if (last.contains("\"State\":\"Started\"")
                        && OUR_ROUTES.stream().allMatch(route -> routes.contains("name=\\\"" + route + "\\\""))) {
                    return;
                }
                last += " " + routes;
            } catch (IOException notYet) {
                // the management server is not listening yet
            }
            if (!collector.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Camel did not start our routes (" + last + "):\n"
                        + collector.output());
            }
            Thread.sleep(250);
        }
    }

    private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (hawtio != null) {
            hawtio.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @BeforeEach
    void openBrowser() throws Exception {
        assumeTrue(chromiumBinary != null, NO_BROWSER);
        browser = HeadlessChromium.start(chromiumBinary, 1680, 1000);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void thePrintedUrlLandsInTheCamelViewConnectedToTheCollectorThroughTheProxy() throws Exception {
        assertEquals("http://localhost:" + hawtioPort + "/collector/", consoleUrl, hawtio.output());

        browser.navigate(consoleUrl);
        awaitRoutesInTree();

        assertTrue(browser.evaluate("location.pathname").asText().startsWith("/hawtio/camel"),
                browser.evaluate("location.href").asText());
        // Hawtio 3.0.0 remembers the connection of this tab (from ?con=) and the connections in local storage
        assertEquals("\"o365-audit-collector\"",
                browser.evaluate("sessionStorage.getItem('connect.currentConnection')").asText());
        JsonNode preset = browser.evaluate(
                "JSON.parse(localStorage.getItem('connect.connections'))['o365-audit-collector']");
        assertEquals("localhost", preset.path("host").asText(), preset.toString());
        assertEquals(jolokiaPort(), preset.path("port").asText(), preset.toString());
        assertEquals("/observe/jolokia", preset.path("path").asText(), preset.toString());
        // the page reads the collector's MBeans through Hawtio's proxy, not from Hawtio's own JVM
        JsonNode viaProxy = browser.evaluate("fetch('/hawtio/proxy/http/localhost/" + jolokiaPort()
                + "/observe/jolokia/version').then(r => r.status)");
        assertEquals(200, viaProxy.asInt());
        JsonNode elsewhere = browser.evaluate("fetch('/hawtio/proxy/http/example.com/80/jolokia/version')"
                + ".then(r => r.status + ' ' + r.headers.get('Hawtio-Forbidden-Reason'))");
        assertEquals("403 HOST_NOT_ALLOWED", elsewhere.asText(), "the proxy only reaches the collector's host");
    }

    @Test
    void theRoutesViewListsOurRoutesWithExchangeCountsThatGrowWhileTheCollectorPolls() throws Exception {
        browser.navigate(consoleUrl);
        awaitRoutesInTree();

        clickTreeNode("routes");

        Map<String, Map<String, String>> first = routesTable(rows -> OUR_ROUTES.stream()
                .allMatch(route -> rows.containsKey(route) && "Started".equals(rows.get(route).get("State")))
                && total(rows, POLLING_ROUTE) > 0);
        for (String route : OUR_ROUTES) {
            assertEquals("Started", first.get(route).get("State"), route + ": " + first.get(route));
        }
        long before = total(first, POLLING_ROUTE);
        Map<String, Map<String, String>> later = routesTable(rows -> total(rows, POLLING_ROUTE) > before);
        assertTrue(total(later, POLLING_ROUTE) > before, "live counts: " + later.get(POLLING_ROUTE));

        browser.screenshot(SCREENSHOT);
        assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot of the routes view");
        System.out.printf("Hawtio routes view: %d routes, %s total %d -> %d; screenshot %s%n", later.size(),
                POLLING_ROUTE, before, total(later, POLLING_ROUTE), SCREENSHOT.toAbsolutePath());
    }

    @Test
    void aRoutesDiagramAndSourceShowItsStepsFromTheReadOnlyDumps() throws Exception {
        browser.navigate(consoleUrl);
        awaitRoutesInTree();

        // Hawtio read the routes with dumpRoutesAsXml() when it built the tree; the diagram draws the route's XML
        clickTreeNode(DIAGRAM_ROUTE);
        clickTab("Route Diagram");
        JsonNode labels;
        try {
            labels = browser.await("""
                    [...document.querySelectorAll('.camel-route-diagram .react-flow__node .camel-node-label')]
                        .map(label => label.innerText.trim())""",
                    value -> value.isArray() && DIAGRAM_NODES.stream().allMatch(
                            node -> texts(value).stream().anyMatch(label -> label.startsWith(node))),
                    Duration.ofSeconds(30), "the diagram of " + DIAGRAM_ROUTE + " with its steps " + DIAGRAM_NODES);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\npage: " + browser.text() + "\nbrowser console:\n"
                    + String.join("\n", browser.console()), e);
        }
        // the route's exchange count on its first node, from the route's statistics (dumpRouteStatsAsXml)
        JsonNode count = browser.await("""
                (() => {
                  const first = document.querySelector('.camel-route-diagram .react-flow__node .number');
                  return first ? Number(first.innerText.replace(/[^0-9]/g, '')) : -1;
                })()""", value -> value.asLong() > 0, Duration.ofSeconds(20),
                "the exchange count of " + DIAGRAM_ROUTE + " on its diagram");
        browser.screenshot(DIAGRAM_SCREENSHOT);
        assertTrue(Files.size(DIAGRAM_SCREENSHOT) > 10_000, "screenshot of the route diagram");

        clickTab("Source");
        JsonNode source = browser.await("""
                (() => {
                  const lines = document.querySelector('.monaco-editor .view-lines');
                  return lines ? lines.innerText.replace(/\\s+/g, ' ') : '';
                })()""", value -> value.asText().contains("<route")
                        && value.asText().contains("id=\"" + DIAGRAM_ROUTE + "\"")
                        // the editor draws only the lines in view: the route's error handling comes first, its
                        // first line below it
                        && value.asText().contains("uri=\"direct:list-content-page\""),
                Duration.ofSeconds(30), "the source view with the XML of " + DIAGRAM_ROUTE);
        System.out.printf("Hawtio route diagram of %s: %d steps %s, %d exchanges; source view: %d characters;"
                + " screenshot %s%n", DIAGRAM_ROUTE, labels.size(), texts(labels), count.asLong(),
                source.asText().length(), DIAGRAM_SCREENSHOT.toAbsolutePath());
    }

    /**
     * Every route is drawn, those whose error handling comes from a route configuration included: Hawtio 3.0.0's
     * diagram breaks (the whole page goes blank) on a route that sets its own error handler, so none does.
     */
    @Test
    void everyKindOfRouteHasADiagram() throws Exception {
        // one page for all: a route Hawtio cannot draw would blank it, and the next route would not be found.
        // Each route's first two steps, as Hawtio shortens them, tell its diagram from the one before
        Map<String, List<String>> firstSteps = new java.util.LinkedHashMap<>();
        firstSteps.put("fetch-content-refs", List.of("From kafka:{{o365", "To direct:fetch-c"));
        firstSteps.put("fetch-blob", List.of("From direct:fetch", "Do Try"));
        firstSteps.put("call-management-api", List.of("From direct:call-", "To direct:send-ma"));
        firstSteps.put("publish-records", List.of("From direct:publi", "Bean tenantPublis"));
        firstSteps.put("retry-dead-letters", List.of("From timer:retry-", "Do Try"));
        firstSteps.put("start-tenant-subscriptions", List.of("From direct:start", "Do Try"));
        browser.navigate(consoleUrl);
        awaitRoutesInTree();
        for (Map.Entry<String, List<String>> route : firstSteps.entrySet()) {
            clickTreeNode(route.getKey());
            clickTab("Route Diagram");
            JsonNode labels = browser.await("""
                    [...document.querySelectorAll('.camel-route-diagram .react-flow__node .camel-node-label')]
                        .map(label => label.innerText.trim())""",
                    value -> value.isArray() && value.size() >= 2
                            && texts(value).get(0).startsWith(route.getValue().get(0))
                            && texts(value).get(1).startsWith(route.getValue().get(1)),
                    Duration.ofSeconds(30), "the diagram of " + route.getKey());
            System.out.printf("Hawtio route diagram of %s: %s%n", route.getKey(), texts(labels));
        }
    }

    /** Clicks the node of Hawtio's tree whose own text is {@code label}. */
    private void clickTreeNode(String label) {
        JsonNode clicked = browser.evaluate("""
                (label => {
                  const node = [...document.querySelectorAll('[role=tree] *')]
                      .find(e => e.children.length === 0 && e.textContent.trim() === label);
                  if (!node) return false;
                  node.click();
                  return true;
                })(%s)""".formatted(jsString(label)));
        assertTrue(clicked.asBoolean(), "no '" + label + "' in the Camel tree:\n" + browser.text());
    }

    /** Clicks one of the Camel view's tabs (a link in its navigation bar), once it is there. */
    private void clickTab(String title) throws InterruptedException {
        browser.await("""
                (title => {
                  const tab = [...document.querySelectorAll('nav[aria-label="Camel Nav"] a')]
                      .find(a => a.textContent.trim() === title);
                  if (!tab) return false;
                  tab.click();
                  return true;
                })(%s)""".formatted(jsString(title)), JsonNode::asBoolean, Duration.ofSeconds(15),
                "the '" + title + "' tab of the Camel view");
    }

    private static String jsString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    /** Hawtio reads the collector's MBean tree once per page load; the tree shows our routes. */
    private void awaitRoutesInTree() throws InterruptedException {
        try {
            browser.await("document.body ? document.body.innerText : ''",
                    text -> OUR_ROUTES.stream().allMatch(text.asText()::contains), Duration.ofSeconds(45),
                    "our route ids in Hawtio's Camel tree (Hawtio: " + consoleUrl + ")");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nbrowser console:\n" + String.join("\n", browser.console())
                    + "\nHawtio:\n" + hawtio.output(), e);
        }
    }

    /**
     * The rows of Hawtio's routes table, by route id, each as column title to cell text, once {@code ready} holds
     * (Hawtio 3.0.0 reads the table again every 10 seconds).
     */
    private Map<String, Map<String, String>> routesTable(Predicate<Map<String, Map<String, String>>> ready)
            throws InterruptedException {
        JsonNode rows = browser.await("""
                (() => {
                  const table = document.querySelector('table[aria-label="Camel routes table"]');
                  if (!table) return null;
                  return [...table.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
                      [...tr.querySelectorAll('td[data-label]')].map(td => [td.dataset.label, td.innerText.trim()])));
                })()""", value -> value.isArray() && ready.test(byRoute(value)), Duration.ofSeconds(30),
                "Hawtio's routes table with our routes and growing counts");
        return byRoute(rows);
    }

    /** Hawtio's cells are labelled by their column titles (Name, State, Completed, Total, ...). */
    private static Map<String, Map<String, String>> byRoute(JsonNode rows) {
        Map<String, Map<String, String>> byRoute = new HashMap<>();
        for (JsonNode row : rows) {
            Map<String, String> cells = new HashMap<>();
            row.fields().forEachRemaining(cell -> cells.put(cell.getKey(), cell.getValue().asText()));
            if (cells.containsKey("Name")) {
                byRoute.put(cells.get("Name"), cells);
            }
        }
        return byRoute;
    }

    private static long total(Map<String, Map<String, String>> rows, String route) {
        Map<String, String> row = rows.get(route);
        if (row == null) {
            return -1;
        }
        try {
            return Long.parseLong(row.getOrDefault("Total", "").replace(",", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String jolokiaPort() {
        return String.valueOf(URI.create(jolokiaUrl).getPort());
    }
}
