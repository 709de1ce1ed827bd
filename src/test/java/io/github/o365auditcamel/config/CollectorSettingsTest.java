package io.github.o365auditcamel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CollectorSettingsTest {

    private static final String TENANT = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private static final String CLIENT = "11112222-3333-4444-5555-666677778888";
    private static final String SECRET = "s3cr3t-value-for-the-test";

    private final Map<String, String> values = new HashMap<>(Map.of(
            "o365.tenant-id", TENANT,
            "o365.client-id", CLIENT,
            "o365.client-secret", SECRET));

    private CollectorSettings settings() {
        return CollectorSettings.from(values::get);
    }

    private InvalidSettingException rejected(String property, String value) {
        values.put(property, value);
        return assertThrows(InvalidSettingException.class, this::settings);
    }

    @Test
    void defaultsFollowTheIssue() {
        CollectorSettings s = settings();

        assertEquals(Cloud.ENTERPRISE, s.cloud());
        assertEquals("https://login.microsoftonline.com", s.loginUrl());
        assertEquals("https://manage.office.com", s.apiUrl());
        assertEquals(CollectorSettings.ALL_CONTENT_TYPES, s.contentTypes());
        assertEquals(TENANT, s.publisherId(), "PublisherIdentifier defaults to the tenant id");
        assertEquals(Duration.ofMinutes(1), s.pollInterval());
        assertEquals(Duration.ofDays(7), s.initialLookback());
        assertEquals("o365.audit.azureactivedirectory", s.topicFor("Audit.AzureActiveDirectory"));
        assertEquals("o365.dlp.all", s.topicFor("DLP.All"));
        assertEquals("localhost:9092", s.kafkaBrokers());
        assertEquals("https://login.microsoftonline.com/" + TENANT + "/oauth2/v2.0/token", s.tokenEndpoint());
        assertEquals("https://manage.office.com/api/v1.0/" + TENANT + "/activity/feed", s.feedUrl());
    }

    @Test
    void tracesAreOffUnlessO365TracingIsOtlp() {
        assertFalse(settings().tracesToOtlp());
        values.put("o365.tracing", "OTLP");
        assertTrue(settings().tracesToOtlp());
        assertEquals("O365_TRACING must be one of off, otlp", rejected("o365.tracing", "jaeger").getMessage());
    }

    @Test
    void eachCloudHasItsOwnHostsAndScope() {
        values.put("o365.cloud", "gcc-high");
        CollectorSettings s = settings();

        assertEquals("https://login.microsoftonline.us", s.loginUrl());
        assertEquals("https://manage.office365.us", s.apiUrl());
        assertEquals("https://manage.office365.us/.default", s.tokenScope());
        values.put("o365.cloud", "dod");
        assertEquals("https://manage.protection.apps.mil/.default", settings().tokenScope());
        values.put("o365.cloud", "gcc");
        assertEquals("https://manage-gcc.office.com", settings().apiUrl());
    }

    @Test
    void gapRepairThroughGraphIsOffByDefaultAndRefusedWhereGraphHasNoAuditLogQueries() {
        assertFalse(settings().gapRepair().enabled());
        values.put("o365.gap-repair", "graph");
        GapRepairSettings repair = settings().gapRepair();
        assertTrue(repair.enabled());
        assertEquals("https://graph.microsoft.com/v1.0/security/auditLog/queries", repair.queriesUrl());
        assertEquals(10_000, repair.queryLimit());
        values.put("o365.cloud", "gcc");
        assertTrue(settings().gapRepair().enabled(), "GCC tenants use the global Graph");
        values.put("o365.cloud", "gcc-high");
        assertEquals("O365_GAP_REPAIR is graph, but Microsoft Graph's audit log query API exists only in the global"
                + " cloud (enterprise and gcc), not in gcc-high: set it to off",
                rejected("o365.gap-repair", "graph").getMessage());
        values.put("o365.cloud", "enterprise");
        assertEquals("O365_GAP_REPAIR must be one of off, graph", rejected("o365.gap-repair", "on").getMessage());
        values.put("o365.gap-repair", "graph");
        values.put("o365.graph-url", "http://127.0.0.1:9/");
        assertEquals("http://127.0.0.1:9/v1.0/security/auditLog/queries", settings().gapRepair().queriesUrl());
    }

    @Test
    void urlOverridesDoNotChangeTheTokenScope() {
        values.put("o365.api-url", "http://127.0.0.1:8081/");
        values.put("o365.login-url", "https://127.0.0.1:8443");
        CollectorSettings s = settings();

        assertEquals("http://127.0.0.1:8081", s.apiUrl());
        assertEquals("https://manage.office.com/.default", s.tokenScope());
    }

    @Test
    void contentTypesAreMatchedCaseInsensitivelyAndDeduplicated() {
        values.put("o365.content-types", " audit.exchange, DLP.All ,Audit.Exchange");

        assertEquals(List.of("Audit.Exchange", "DLP.All"), settings().contentTypes());
    }

    @Test
    void aMissingRequiredValueNamesItsVariable() {
        values.remove("o365.tenant-id");
        InvalidSettingException e = assertThrows(InvalidSettingException.class, this::settings);

        assertEquals("O365_TENANT_ID", e.variable());
        assertTrue(e.getMessage().startsWith("O365_TENANT_ID is required"), e.getMessage());
        values.put("o365.tenant-id", TENANT);
        values.put("o365.client-secret", "  ");
        assertEquals("O365_CLIENT_SECRET", assertThrows(InvalidSettingException.class, this::settings).variable());
    }

    @Test
    void malformedValuesNameTheirVariableInOneLine() {
        assertEquals("O365_TENANT_ID", rejected("o365.tenant-id", "contoso.onmicrosoft.com").variable());
        values.put("o365.tenant-id", TENANT);
        assertEquals("O365_CLIENT_ID", rejected("o365.client-id", "not-a-guid").variable());
        values.put("o365.client-id", CLIENT);
        assertEquals("O365_CLOUD", rejected("o365.cloud", "china").variable());
        values.remove("o365.cloud");
        assertEquals("O365_CONTENT_TYPES", rejected("o365.content-types", "Audit.Exchange,Audit.Teams").variable());
        values.remove("o365.content-types");
        assertEquals("O365_POLL_INTERVAL", rejected("o365.poll-interval", "often").variable());
        assertEquals("O365_POLL_INTERVAL", rejected("o365.poll-interval", "10ms").variable());
        values.remove("o365.poll-interval");
        assertEquals("O365_INITIAL_LOOKBACK", rejected("o365.initial-lookback", "7 days").variable());
        values.remove("o365.initial-lookback");
        assertEquals("O365_API_URL", rejected("o365.api-url", "ftp://manage.office.com").variable());
        assertEquals("O365_API_URL", rejected("o365.api-url", "https://manage.office.com?x=1").variable());
        values.remove("o365.api-url");
        assertEquals("O365_LOGIN_URL", rejected("o365.login-url", "login.microsoftonline.com").variable());
        values.remove("o365.login-url");
        assertEquals("O365_PUBLISHER_ID", rejected("o365.publisher-id", "1234").variable());
        values.remove("o365.publisher-id");
        assertEquals("O365_TOPIC_PREFIX", rejected("o365.topic-prefix", "o365 audit").variable());
        values.remove("o365.topic-prefix");
        InvalidSettingException brokers = rejected("kafka.brokers", "localhost");
        assertEquals("KAFKA_BROKERS", brokers.variable());
        assertFalse(brokers.getMessage().contains("\n"));
    }

    @Test
    void deadLettersAreRetriedWithADoublingDelayCappedAtAnHour() {
        CollectorSettings s = settings();
        assertEquals(Duration.ofMinutes(5), s.deadLetterRetryDelay(1));
        assertEquals(Duration.ofMinutes(10), s.deadLetterRetryDelay(2));
        assertEquals(Duration.ofMinutes(40), s.deadLetterRetryDelay(4));
        assertEquals(Duration.ofHours(1), s.deadLetterRetryDelay(5));
        assertEquals(Duration.ofHours(1), s.deadLetterRetryDelay(1000));
        assertEquals(10, s.deadLetterMaxRetries());

        values.put("o365.deadletter.retry-delay", "2h");
        assertEquals(Duration.ofHours(2), settings().deadLetterRetryDelay(3), "a delay above an hour is not cut");
        assertEquals("O365_DEADLETTER_RETRY_DELAY", rejected("o365.deadletter.retry-delay", "soon").variable());
        values.remove("o365.deadletter.retry-delay");
        assertEquals("O365_DEADLETTER_MAX_RETRIES", rejected("o365.deadletter.max-retries", "-1").variable());
    }

    @Test
    void theSecretIsNeverInTheTextOfTheSettingsOrOfAnError() {
        assertFalse(settings().toString().contains(SECRET));
        InvalidSettingException e = rejected("o365.tenant-id", "bad");
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void durationsReadAsUsersWriteThem() {
        assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(12), Durations.parse("12h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1.5h"));
    }

    @Test
    void aProxyUrlMayCarryItsCredentialsWhichNeverShowInTheSettingsText() {
        values.put("o365.proxy-url", "http://svc%40corp:p%3Ass@proxy.corp.example:3128");

        CollectorSettings s = settings();

        assertEquals("http://proxy.corp.example:3128", s.proxy().toString());
        assertEquals("svc@corp", s.proxyUsername());
        assertEquals("p:ss", s.proxyPassword());
        assertFalse(s.toString().contains("p:ss"), s.toString());
    }

    @Test
    void aBadProxySettingIsNamedWithoutRepeatingItsValue() {
        InvalidSettingException e = rejected("o365.proxy-url", "proxy.corp.example");
        assertEquals("O365_PROXY_URL", e.variable());
        values.put("o365.proxy-url", "http://user:secret@proxy.corp.example");
        e = assertThrows(InvalidSettingException.class, this::settings);
        assertFalse(e.getMessage().contains("secret"), e.getMessage());

        values.put("o365.proxy-url", "http://proxy.corp.example:3128");
        assertEquals("O365_PROXY_PASSWORD", rejected("o365.proxy-username", "svc").variable());
    }
}
