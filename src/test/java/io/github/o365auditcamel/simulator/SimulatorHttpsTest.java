package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The https listener: tokens and listings whose URLs are https. */
class SimulatorHttpsTest extends SimulatorTestSupport {

    @Test
    void httpsServesTokensAndListingsWhoseUrlsAreHttps() throws Exception {
        try (ManagementApiSimulator s = ManagementApiSimulator.builder().seed(5).https(true).pageSize(2)
                .contentTypes(List.of("Audit.Exchange")).blobsPerContentType(5).recordsPerBlob(2)
                .backlog(Duration.ofHours(2)).subscriptionsInitiallyEnabled(true).build()) {
            s.start();
            assertTrue(s.httpsBaseUrl().matches("https://127\\.0\\.0\\.1:\\d+"), s.httpsBaseUrl());
            assertFalse(s.httpsBaseUrl().endsWith(":" + s.port()), "a port of its own");
            assertTrue(s.serverCertificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
            HttpClient tls = trusting(s.serverCertificate());

            HttpResponse<String> t = postForm(tls, s.httpsBaseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token", form(
                    "grant_type", "client_credentials", "client_id", s.clientId(), "client_secret", s.clientSecret(),
                    "scope", "https://manage.office.com/.default"));
            assertEquals(200, t.statusCode(), t.body());
            String bearer = JSON.readTree(t.body()).get("access_token").asText();

            // every page over https: contentUris and NextPageUri are https URLs of the https listener
            String url = s.httpsBaseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/content"
                    + "?contentType=Audit.Exchange";
            Set<String> listed = new HashSet<>();
            int pages = 0;
            while (url != null) {
                HttpResponse<String> page = tls.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), page.body());
                for (JsonNode item : JSON.readTree(page.body())) {
                    assertEquals(s.httpsBaseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/audit/"
                            + item.get("contentId").asText(), item.get("contentUri").asText());
                    listed.add(item.get("contentUri").asText());
                }
                url = page.headers().firstValue("NextPageUri").orElse(null);
                assertTrue(url == null || url.startsWith(s.httpsBaseUrl() + "/"), url);
                pages++;
            }
            assertTrue(pages >= 3, "paged: " + pages);
            assertEquals(5, listed.size());
            HttpResponse<String> blob = tls.send(HttpRequest.newBuilder(URI.create(listed.iterator().next()))
                    .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, blob.statusCode(), blob.body());

            // the same state on the http listener, which writes http URLs; the https token works there too
            HttpResponse<String> plain = get(s.baseUrl() + "/api/v1.0/" + s.tenantId()
                    + "/activity/feed/subscriptions/content?contentType=Audit.Exchange", bearer, null);
            assertEquals(200, plain.statusCode(), plain.body());
            assertTrue(JSON.readTree(plain.body()).get(0).get("contentUri").asText().startsWith(s.baseUrl() + "/"));
            assertEquals(1, s.tokenCallCount());
            assertEquals(pages + 2, s.totalApiCalls());
        }
        try (ManagementApiSimulator plainOnly = ManagementApiSimulator.builder().https(false).blobsPerContentType(0)
                .build()) {
            plainOnly.start();
            assertThrows(IllegalStateException.class, plainOnly::httpsBaseUrl, "https turned off");
            assertThrows(IllegalStateException.class, plainOnly::serverCertificate);
        }
    }
}
