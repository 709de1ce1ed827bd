package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared simulator (one per test class), HTTP helpers and fixtures of the simulator tests. */
abstract class SimulatorTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static ManagementApiSimulator sim;
    static String token;

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = ManagementApiSimulator.builder()
                .seed(42)
                .contentTypes(List.of("Audit.SharePoint", "Audit.Exchange", "Audit.AzureActiveDirectory", "DLP.All", "Audit.General"))
                .blobsPerContentType(6)
                .recordsPerBlob(20)
                .pageSize(4)
                .build();
        sim.start();
        token = v2Token().get("access_token").asText();
        // the listing tests need an enabled subscription; the start/AF20024 test uses Audit.General
        assertEquals(200, api("POST", "subscriptions/start?contentType=Audit.SharePoint").statusCode());
        assertEquals(200, api("POST", "subscriptions/start?contentType=Audit.Exchange").statusCode());
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    static ManagementApiSimulator networkFaultSimulator(long seed) {
        ManagementApiSimulator s = ManagementApiSimulator.builder().seed(seed).contentTypes(List.of("Audit.Exchange"))
                .blobsPerContentType(1).recordsPerBlob(6).subscriptionsInitiallyEnabled(true).build();
        s.start();
        return s;
    }

    /** n raw GETs of a blob under dropShare 1: "before" (no byte at all) or "mid" (200, then less than Content-Length). */
    static List<String> dropKinds(ManagementApiSimulator s, String bearer, String contentId, int n) throws IOException {
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] got = rawGet(s, bearer, "audit/" + contentId, i % 2 == 0);
            if (got.length == 0) {
                kinds.add("before");
            } else {
                RawResponse r = RawResponse.parse(got);
                assertEquals(200, r.status());
                int length = Integer.parseInt(r.headers().get("content-length"));
                assertEquals(length / 2, r.body().length);
                kinds.add("mid");
            }
        }
        return kinds;
    }

    /** contentId -> contentUri of every listed blob of that type in [start, end), following NextPageUri. */
    static Map<String, String> listContentUris(ManagementApiSimulator s, String bearer, String contentType,
                                                       Instant start, Instant end) throws Exception {
        Map<String, String> out = new java.util.HashMap<>();
        String url = s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/subscriptions/content?contentType="
                + contentType + "&startTime=" + SECONDS.format(start) + "&endTime=" + SECONDS.format(end);
        while (url != null) {
            HttpResponse<String> r = get(url, bearer, null);
            assertEquals(200, r.statusCode(), r.body());
            for (JsonNode item : JSON.readTree(r.body())) {
                out.put(item.get("contentId").asText(), item.get("contentUri").asText());
            }
            url = r.headers().firstValue("NextPageUri").orElse(null);
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    static JsonNode v2Token() throws Exception {
        HttpResponse<String> r = post("/" + sim.tenantId() + "/oauth2/v2.0/token", form(
                "grant_type", "client_credentials", "client_id", sim.clientId(), "client_secret", sim.clientSecret(),
                "scope", "https://manage.office.com/.default"), null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static String form(String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> api(String method, String relative) throws IOException, InterruptedException {
        return api(method, relative, token, null);
    }

    static HttpResponse<String> api(String method, String relative, String bearer, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1.0/" + sim.tenantId() + "/activity/feed/" + relative))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to an API operation of simulator s ({@code relative} under {@code activity/feed/}); bearer may be null. */
    static HttpResponse<String> call(ManagementApiSimulator s, String method, String relative, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1.0/" + s.tenantId()
                        + "/activity/feed/" + relative))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String bearer, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> getBytes(String url, String acceptEncoding) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET().header("Authorization", "Bearer " + token);
        if (acceptEncoding != null) {
            b.header("Accept-Encoding", acceptEncoding);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpRequest.Builder blobRequest(ManagementApiSimulator s, String bearer, String contentId) {
        return HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/v1.0/" + s.tenantId() + "/activity/feed/audit/" + contentId))
                .header("Authorization", "Bearer " + bearer).GET();
    }

    static String tokenFor(ManagementApiSimulator s) throws Exception {
        HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/" + s.tenantId() + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "client_credentials", "client_id", s.clientId(),
                                "client_secret", s.clientSecret(), "scope", "https://manage.office.com/.default"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, t.statusCode(), t.body());
        return JSON.readTree(t.body()).get("access_token").asText();
    }

    /**
     * A raw HTTP/1.1 GET ({@code relative} under {@code activity/feed/}, Connection: close) and every byte received
     * until the server closes the connection; a reset ends the stream like a close.
     */
    static byte[] rawGet(ManagementApiSimulator s, String bearer, String relative, boolean gzip) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1.0/" + s.tenantId() + "/activity/feed/" + relative + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + bearer + "\r\n" + (gzip ? "Accept-Encoding: gzip\r\n" : "")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // the connection was reset: what came before is what the client got
            }
            return got.toByteArray();
        }
    }

    /** A raw HTTP/1.1 response: status, headers (lower-case names, first value), the body bytes as received. */
    record RawResponse(int status, Map<String, String> headers, byte[] body) {
        static RawResponse parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "no complete header: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, Arrays.copyOfRange(raw, end + 4, raw.length));
        }
    }

    static byte[] gunzip(byte[] zipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
            return in.readAllBytes();
        }
    }

    /** Runs c on a fresh daemon thread (so a blocked read can be given up on). */
    static <T> CompletableFuture<T> async(Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "simulator-test-reader");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The server counts a completed download right after writing it: give it a moment. */
    static void awaitCount(java.util.function.IntSupplier count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (count.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, count.getAsInt());
    }

    static void assertAad(HttpResponse<String> r, int status, String error, int code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode json = JSON.readTree(r.body());
        assertEquals(error, json.get("error").asText(), r.body());
        assertEquals(code, json.get("error_codes").get(0).asInt(), r.body());
        assertTrue(json.get("error_description").asText().startsWith("AADSTS" + code + ": "), r.body());
    }

    static void assertErrorCode(HttpResponse<String> r, int status, String code) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, JSON.readTree(r.body()).path("error").path("code").asText(), r.body());
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ------------------------------------------------------------------ helpers: https, certificates, tenants

    /** The app's certificates of {@link #certificateSimulator()}; one more that no app has. */
    static final TestCertificate APP_CERTIFICATE = TestCertificate.generate("o365-collector-app");
    static final TestCertificate ROTATED_CERTIFICATE = TestCertificate.generate("o365-collector-app-2026");
    static final TestCertificate UNREGISTERED_CERTIFICATE = TestCertificate.generate("someone-else");
    static final String SECOND_TENANT = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";

    /** Started, https on, the primary app with two certificates. */
    static ManagementApiSimulator certificateSimulator() {
        ManagementApiSimulator s = ManagementApiSimulator.builder().https(true).blobsPerContentType(0)
                .subscriptionsInitiallyEnabled(true)
                .clientCertificate(APP_CERTIFICATE.certificate()).clientCertificate(ROTATED_CERTIFICATE.certificate())
                .build();
        s.start();
        return s;
    }

    /** Not started: the primary tenant (Exchange, 2 blobs) and a second one with another app (Exchange, 3 blobs). */
    static ManagementApiSimulator twoTenantSimulator() {
        return ManagementApiSimulator.builder().seed(21).contentTypes(List.of("Audit.Exchange")).blobsPerContentType(2)
                .recordsPerBlob(3).backlog(Duration.ofHours(6)).subscriptionsInitiallyEnabled(true)
                .tenant(TenantSpec.of(SECOND_TENANT).tenantDomain("contoso-sim.onmicrosoft.com")
                        .clientId("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b").clientSecret("other~Secret.Value_0123456789")
                        .blobsPerContentType(3).recordsPerBlob(4))
                .build();
    }

    /**
     * A new certificate whose SHA-1 and SHA-256 thumbprints, in standard base64, are not base64url (each holds a '+' or
     * a '/'): most are, so this takes a few tries at most.
     */
    static TestCertificate certificateWithNonUrlSafeThumbprints() {
        for (int i = 0; i < 100; i++) {
            TestCertificate c = TestCertificate.generate("msal-style-" + i);
            if (standardBase64(c.x5t()).matches(".*[+/].*") && standardBase64(c.x5tS256()).matches(".*[+/].*")) {
                return c;
            }
        }
        throw new IllegalStateException("no certificate with a '+' or '/' in both thumbprints in 100 tries");
    }

    /** A base64url thumbprint in standard, padded base64, the way MSAL4J 1.23 writes {@code x5t} and {@code x5t#S256}. */
    static String standardBase64(String base64url) {
        return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(base64url));
    }

    /** An HTTP client that trusts only that certificate (the simulator's self-signed server certificate). */
    static HttpClient trusting(java.security.cert.X509Certificate certificate) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("simulator", certificate);
        javax.net.ssl.TrustManagerFactory trustManagers =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> postForm(HttpClient client, String url, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A v2 certificate request as MSAL4J sends it (its scope includes the OpenID scopes, and client_info). */
    static String certificateForm(ManagementApiSimulator s, String assertion) {
        return form("grant_type", "client_credentials", "client_id", s.clientId(),
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion, "client_info", "1",
                "scope", "offline_access https://manage.office.com/.default openid profile");
    }

    /** Claims of a client assertion valid from {@code notBefore} for 10 minutes. */
    static ObjectNode assertionClaims(String audience, String clientId, Instant notBefore) {
        return JSON.createObjectNode().put("aud", audience).put("iss", clientId).put("sub", clientId)
                .put("jti", java.util.UUID.randomUUID().toString()).put("nbf", notBefore.getEpochSecond())
                .put("exp", notBefore.getEpochSecond() + 600);
    }

    /**
     * A client assertion built by hand: header {@code {"alg":alg,"typ":"JWT",thumbprintHeader:thumbprint}}, the
     * claims, signed with the signer's private key (SHA256withRSA for RS256, RSASSA-PSS SHA-256/MGF1/32 for PS256).
     */
    static String signedAssertion(TestCertificate signer, String alg, String thumbprintHeader, String thumbprint,
                                          ObjectNode claims) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("alg", alg).put("typ", "JWT").put(thumbprintHeader, thumbprint);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(JSON.writeValueAsBytes(claims));
        java.security.Signature signature;
        if (alg.equals("PS256")) {
            signature = java.security.Signature.getInstance("RSASSA-PSS");
            signature.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        } else {
            signature = java.security.Signature.getInstance("SHA256withRSA");
        }
        signature.initSign(signer.keyPair().getPrivate());
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(signature.sign());
    }

    /** The claims of an access token issued by the simulator (its payload, decoded). */
    static JsonNode accessTokenClaims(String accessToken) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
    }

    static HttpResponse<String> secretTokenResponse(ManagementApiSimulator s, String tenant, String clientId,
                                                            String secret) throws Exception {
        return postForm(HTTP, s.baseUrl() + "/" + tenant + "/oauth2/v2.0/token", form("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", secret, "scope", "https://manage.office.com/.default"));
    }

    static String secretToken(ManagementApiSimulator s, String tenant, String clientId, String secret) throws Exception {
        HttpResponse<String> r = secretTokenResponse(s, tenant, clientId, secret);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** A GET of an API operation ({@code relative} under {@code activity/feed/}) of one tenant, over http. */
    static HttpResponse<String> tenantCall(ManagementApiSimulator s, String tenant, String relative, String bearer)
            throws IOException, InterruptedException {
        return get(s.baseUrl() + "/api/v1.0/" + tenant + "/activity/feed/" + relative, bearer, null);
    }

    /** contentId -> contentUri of every Audit.Exchange blob one tenant lists (default window: the last 24 h). */
    static Map<String, String> listedUris(ManagementApiSimulator s, String tenant, String bearer) throws Exception {
        HttpResponse<String> r = tenantCall(s, tenant, "subscriptions/content?contentType=Audit.Exchange", bearer);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("NextPageUri").isEmpty());
        Map<String, String> out = new java.util.HashMap<>();
        for (JsonNode item : JSON.readTree(r.body())) {
            out.put(item.get("contentId").asText(), item.get("contentUri").asText());
        }
        return out;
    }

    static Set<String> ids(List<ManagementApiSimulator.Blob> blobs) {
        return blobs.stream().map(ManagementApiSimulator.Blob::contentId).collect(Collectors.toSet());
    }
}
