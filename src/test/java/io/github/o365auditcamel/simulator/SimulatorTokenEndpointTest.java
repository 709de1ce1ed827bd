package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token endpoint: v1/v2 secret tokens, Basic authentication and Entra-shaped token errors. */
class SimulatorTokenEndpointTest extends SimulatorTestSupport {

    @Test
    void v2TokenWithFormSecret() throws Exception {
        HttpResponse<String> r = post("/" + sim.tenantId() + "/oauth2/v2.0/token", form(
                "grant_type", "client_credentials", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode json = JSON.readTree(r.body());
        assertEquals("Bearer", json.get("token_type").asText());
        assertTrue(json.get("expires_in").isInt());
        assertEquals(3600, json.get("expires_in").asInt());
        assertEquals(3, json.get("access_token").asText().split("\\.").length);
        assertNull(json.get("resource"));
    }

    @Test
    void v1TokenHasStringNumbersAndAcceptsDomainTenant() throws Exception {
        HttpResponse<String> r = post("/" + sim.tenantDomain() + "/oauth2/token?api-version=1.0", form(
                "grant_type", "client_credentials", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "resource", "https://manage.office.com"), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode json = JSON.readTree(r.body());
        assertTrue(json.get("expires_in").isTextual());
        assertEquals("3600", json.get("expires_in").asText());
        assertTrue(json.get("expires_on").isTextual());
        assertTrue(json.get("not_before").isTextual());
        assertEquals("https://manage.office.com", json.get("resource").asText());
        // the token works on the API
        assertEquals(200, api("GET", "subscriptions/list", json.get("access_token").asText(), null).statusCode());
    }

    @Test
    void v2TokenWithBasicAuthentication() throws Exception {
        String basic = Base64.getEncoder().encodeToString(
                (sim.clientId() + ":" + sim.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = post("/" + sim.tenantId() + "/oauth2/v2.0/token", form(
                "grant_type", "client_credentials", "scope", "https://manage.office.com/.default"), "Basic " + basic);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(JSON.readTree(r.body()).get("access_token").asText().isEmpty());
    }

    @Test
    void tokenErrorsHaveEntraShape() throws Exception {
        String path = "/" + sim.tenantId() + "/oauth2/v2.0/token";
        HttpResponse<String> wrong = post(path, form("grant_type", "client_credentials", "client_id", sim.clientId(),
                "client_secret", "not-the-secret", "scope", "https://manage.office.com/.default"), null);
        assertEquals(401, wrong.statusCode());
        JsonNode json = JSON.readTree(wrong.body());
        assertEquals("invalid_client", json.get("error").asText());
        assertTrue(json.get("error_description").asText().startsWith("AADSTS7000215: "));
        assertTrue(json.get("error_description").asText().contains("\r\nTrace ID: "));
        assertEquals(7000215, json.get("error_codes").get(0).asInt());
        for (String field : List.of("timestamp", "trace_id", "correlation_id")) {
            assertNotNull(json.get(field), field);
        }
        assertFalse(wrong.body().contains(sim.clientSecret()));

        assertAad(post(path, form("grant_type", "client_credentials", "client_id", sim.clientId(),
                "client_secret", sim.clientSecret(), "resource", "https://manage.office.com"), null), 400, "invalid_request", 901002);
        assertAad(post(path, form("grant_type", "client_credentials", "client_id", sim.clientId(),
                "client_secret", sim.clientSecret(), "scope", "https://manage.office.com"), null), 400, "invalid_scope", 70011);
        assertAad(post(path, form("grant_type", "client_credentials", "client_id", "11111111-2222-4333-8444-555555555555",
                "client_secret", sim.clientSecret(), "scope", "https://manage.office.com/.default"), null), 400, "unauthorized_client", 700016);
        assertAad(post("/99999999-2222-4333-8444-555555555555/oauth2/v2.0/token", form("grant_type", "client_credentials",
                "client_id", sim.clientId(), "client_secret", sim.clientSecret(), "scope", "https://manage.office.com/.default"), null),
                400, "invalid_request", 90002);
        assertAad(post(path, form("client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null), 400, "invalid_request", 900144);
        assertAad(post(path, form("grant_type", "password", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null), 400, "unsupported_grant_type", 70003);
    }
}
