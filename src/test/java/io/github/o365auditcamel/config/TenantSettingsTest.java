package io.github.o365auditcamel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.o365auditcamel.testing.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several tenants in one deployment ({@code o365.tenants}), each with its own {@code o365.tenant.<name>.*} settings
 * over the top-level ones; and the choice between a client secret and a certificate.
 */
class TenantSettingsTest {

    private static final String CONTOSO = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
    private static final String FABRIKAM = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final String SHARED_APP = "11112222-3333-4444-5555-666677778888";
    private static final String OWN_APP = "99998888-7777-4666-9555-444433332222";

    @TempDir
    Path dir;

    private final Map<String, String> values = new HashMap<>();

    private List<CollectorSettings> tenants() {
        return CollectorSettings.allFrom(values::get);
    }

    private InvalidSettingException rejected() {
        return assertThrows(InvalidSettingException.class, this::tenants);
    }

    private void twoTenants() {
        values.put("o365.tenants", "contoso, fabrikam");
        values.put("o365.client-id", SHARED_APP);
        values.put("o365.client-secret", "the-shared-secret");
        values.put("o365.tenant.contoso.tenant-id", CONTOSO);
        values.put("o365.tenant.fabrikam.tenant-id", FABRIKAM);
    }

    @Test
    void withoutTenantsTheTopLevelSettingsAreTheOneTenantNamedDefault() {
        values.put("o365.tenant-id", CONTOSO);
        values.put("o365.client-id", SHARED_APP);
        values.put("o365.client-secret", "s");

        List<CollectorSettings> all = tenants();

        assertEquals(1, all.size());
        assertEquals("default", all.get(0).tenantName());
        assertEquals("o365.audit.exchange", all.get(0).topicFor("Audit.Exchange"));
    }

    @Test
    void eachTenantTakesTheTopLevelSettingsItDoesNotSetItself() {
        twoTenants();
        values.put("o365.content-types", "Audit.Exchange, DLP.All");
        values.put("o365.tenant.fabrikam.client-id", OWN_APP);
        values.put("o365.tenant.fabrikam.client-secret", "fabrikams-own");
        values.put("o365.tenant.fabrikam.content-types", "Audit.SharePoint");
        values.put("o365.tenant.fabrikam.cloud", "gcc-high");
        values.put("o365.tenant.fabrikam.poll-interval", "5m");

        List<CollectorSettings> all = tenants();
        CollectorSettings contoso = all.get(0);
        CollectorSettings fabrikam = all.get(1);

        assertEquals(List.of("contoso", "fabrikam"), all.stream().map(CollectorSettings::tenantName).toList());
        assertEquals(CONTOSO, contoso.tenantId());
        assertEquals(SHARED_APP, contoso.clientId());
        assertEquals("the-shared-secret", contoso.clientSecret());
        assertEquals(List.of("Audit.Exchange", "DLP.All"), contoso.contentTypes());
        assertEquals(CONTOSO, contoso.publisherId(), "PublisherIdentifier defaults to the tenant's own id");
        assertEquals(FABRIKAM, fabrikam.tenantId());
        assertEquals(OWN_APP, fabrikam.clientId());
        assertEquals("fabrikams-own", fabrikam.clientSecret());
        assertEquals(List.of("Audit.SharePoint"), fabrikam.contentTypes());
        assertEquals("https://manage.office365.us/api/v1.0/" + FABRIKAM + "/activity/feed", fabrikam.feedUrl());
        assertEquals(java.time.Duration.ofMinutes(5), fabrikam.pollInterval());
        // the tenants are shared out among the instances in o365.listing-shards shards (8), by tenant id, the same
        // on every instance; and they share one data plane in Kafka
        assertEquals("o365-listing-o365-audit-camel.content-refs-shard-" + CollectorSettings.listingShard(CONTOSO, 8),
                contoso.listingLeadership(), "the deployment's content-refs topic and the tenant's shard");
        assertEquals(CollectorSettings.listingShard(CONTOSO.toUpperCase(), 8), CollectorSettings.listingShard(CONTOSO, 8));
        assertEquals(8, java.util.stream.IntStream.range(0, 800)
                .map(i -> CollectorSettings.listingShard(java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i,
                        (byte) (i >> 8)}).toString(), 8)).distinct().count(), "every shard gets tenants");
        assertEquals(contoso.contentRefsTopic(), fabrikam.contentRefsTopic());
        assertEquals(contoso.fetcherGroup(), fabrikam.fetcherGroup());
    }

    @Test
    void recordTopicsAreSharedByDefaultOrPerTenant() {
        twoTenants();
        assertEquals("o365.audit.exchange", tenants().get(1).topicFor("Audit.Exchange"));

        values.put("o365.topic-layout", "per-tenant");

        assertEquals("o365.contoso.audit.exchange", tenants().get(0).topicFor("Audit.Exchange"));
        assertEquals("o365.fabrikam.dlp.all", tenants().get(1).topicFor("DLP.All"));
    }

    @Test
    void aTenantWithoutItsOwnTenantIdIsNamedInTheError() {
        twoTenants();
        values.remove("o365.tenant.fabrikam.tenant-id");

        InvalidSettingException e = rejected();

        assertEquals("O365_TENANT_FABRIKAM_TENANT_ID", e.variable());
    }

    @Test
    void aTenantsOwnBadValueIsNamedByItsOwnVariable() {
        twoTenants();
        values.put("o365.tenant.contoso.client-id", "not-a-guid");

        assertEquals("O365_TENANT_CONTOSO_CLIENT_ID", rejected().variable());
    }

    @Test
    void theTenantListIsChecked() {
        twoTenants();
        values.put("o365.tenants", "contoso, Fabrikam_EU");
        assertEquals("O365_TENANTS", rejected().variable());

        values.put("o365.tenants", "contoso, contoso");
        assertTrue(rejected().getMessage().contains("twice"));

        values.put("o365.tenants", "contoso, fabrikam");
        values.put("o365.tenant.fabrikam.tenant-id", CONTOSO);
        assertEquals("O365_TENANT_FABRIKAM_TENANT_ID", rejected().variable(), "the same tenant id twice");
    }

    @Test
    void theContentRefsTopicAndTheFetchersAreTheDeploymentsNotATenants() {
        for (String setting : List.of("content-refs-topic", "fetch-concurrency")) {
            values.clear();
            twoTenants();
            values.put("o365.tenant.fabrikam." + setting, "2");

            InvalidSettingException e = rejected();

            assertEquals("O365_TENANT_FABRIKAM_" + setting.toUpperCase(java.util.Locale.ROOT).replace('-', '_'),
                    e.variable());
            assertTrue(e.getMessage().contains("every tenant shares the content-refs topic"), e.getMessage());
        }
    }

    @Test
    void aTopLevelTenantIdNextToATenantListIsAMistakeSaidPlainly() {
        twoTenants();
        values.put("o365.tenant-id", CONTOSO);

        InvalidSettingException e = rejected();

        assertEquals("O365_TENANT_ID", e.variable());
        assertTrue(e.getMessage().contains("O365_TENANT_<NAME>_TENANT_ID"), e.getMessage());
    }

    @Test
    void aCertificateTenantUsesItsCertificateAndNoSecret() throws Exception {
        twoTenants();
        values.remove("o365.client-secret");
        values.put("o365.tenant.contoso.client-secret", "contosos-secret");
        Path pem = TestCertificate.generate("o365-audit-camel fabrikam").writePem(dir.resolve("fabrikam.pem"));
        values.put("o365.tenant.fabrikam.client-certificate", pem.toString());

        List<CollectorSettings> all = tenants();

        assertFalse(all.get(0).usesCertificate());
        assertEquals("contosos-secret", all.get(0).clientSecret());
        assertTrue(all.get(1).usesCertificate());
        assertNull(all.get(1).clientSecret());
        assertEquals(pem, all.get(1).clientCertificate());
    }

    @Test
    void aTenantWithItsOwnCertificateDoesNotTakeTheSharedSecret() throws Exception {
        twoTenants();
        Path pem = TestCertificate.generate("o365-audit-camel fabrikam").writePem(dir.resolve("fabrikam.pem"));
        values.put("o365.tenant.fabrikam.client-certificate", pem.toString());

        List<CollectorSettings> all = tenants();

        assertEquals("the-shared-secret", all.get(0).clientSecret());
        assertTrue(all.get(1).usesCertificate());
        assertNull(all.get(1).clientSecret());
    }

    @Test
    void aSecretAndACertificateTogetherAreRefused() throws Exception {
        values.put("o365.tenant-id", CONTOSO);
        values.put("o365.client-id", SHARED_APP);
        values.put("o365.client-secret", "s");
        values.put("o365.client-certificate",
                TestCertificate.generate("both").writePem(dir.resolve("both.pem")).toString());

        InvalidSettingException e = rejected();

        assertEquals("O365_CLIENT_CERTIFICATE", e.variable());
        assertTrue(e.getMessage().contains("O365_CLIENT_SECRET"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void neitherSecretNorCertificateNamesBoth() {
        values.put("o365.tenant-id", CONTOSO);
        values.put("o365.client-id", SHARED_APP);

        InvalidSettingException e = rejected();

        assertEquals("O365_CLIENT_SECRET", e.variable());
        assertTrue(e.getMessage().contains("O365_CLIENT_CERTIFICATE"), e.getMessage());
    }

    @Test
    void anUnusableCertificateFileStopsStartupWithTheReason() throws Exception {
        values.put("o365.tenant-id", CONTOSO);
        values.put("o365.client-id", SHARED_APP);
        TestCertificate certificate = TestCertificate.generate("app");

        values.put("o365.client-certificate", dir.resolve("missing.pem").toString());
        assertTrue(rejected().getMessage().contains("names no readable file"));

        Path onlyCertificate = certificate.writeCertificatePem(dir.resolve("cert-only.pem"));
        values.put("o365.client-certificate", onlyCertificate.toString());
        assertTrue(rejected().getMessage().contains("no private key"), rejected().getMessage());

        Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), certificate.certificatePem()
                + "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        values.put("o365.client-certificate", pkcs1.toString());
        assertTrue(rejected().getMessage().contains("openssl pkcs8"), rejected().getMessage());

        Path otherKey = Files.writeString(dir.resolve("other-key.pem"), certificate.certificatePem()
                + TestCertificate.generate("another").privateKeyPem());
        values.put("o365.client-certificate", otherKey.toString());
        assertTrue(rejected().getMessage().contains("does not belong"), rejected().getMessage());

        Path pfx = certificate.writePkcs12(dir.resolve("app.pfx"), "right".toCharArray());
        values.put("o365.client-certificate", pfx.toString());
        values.put("o365.client-certificate-password", "wrong");
        InvalidSettingException wrongPassword = rejected();
        assertTrue(wrongPassword.getMessage().contains("wrong password"), wrongPassword.getMessage());
        assertFalse(wrongPassword.getMessage().contains("wrong\"") || wrongPassword.getMessage().contains("'wrong'"));

        values.put("o365.client-certificate-password", "right");
        assertTrue(tenants().get(0).usesCertificate(), "the PKCS#12 file with its password");
    }

    @Test
    void passwordsAreNeverInTheSettingsText() throws Exception {
        values.put("o365.tenant-id", CONTOSO);
        values.put("o365.client-id", SHARED_APP);
        Path pfx = TestCertificate.generate("app").writePkcs12(dir.resolve("app.pfx"), "pfx-password-42".toCharArray());
        values.put("o365.client-certificate", pfx.toString());
        values.put("o365.client-certificate-password", "pfx-password-42");

        assertFalse(tenants().get(0).toString().contains("pfx-password-42"));
    }
}
