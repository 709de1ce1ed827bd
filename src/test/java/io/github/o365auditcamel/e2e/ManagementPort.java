package io.github.o365auditcamel.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/** The collector's management port (health, metrics, Jolokia) read over HTTP, as monitoring reads it. */
final class ManagementPort {

    private final HttpClient http = HttpClient.newHttpClient();
    private final IntSupplier port;

    /** {@code port}: asked at each request, since the collector picks it when it starts. */
    ManagementPort(IntSupplier port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} every half second until the answer is {@code wanted}; fails with the last one if not. */
    HttpResponse<String> await(String path, Predicate<HttpResponse<String>> wanted, Duration timeout)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        HttpResponse<String> response = get(path);
        while (!wanted.test(response) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            response = get(path);
        }
        assertTrue(wanted.test(response), response.statusCode() + " " + response.body());
        return response;
    }

    /** One check of a {@code /observe/health?data=true} answer, by name. */
    static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port.getAsInt() + path);
    }
}
