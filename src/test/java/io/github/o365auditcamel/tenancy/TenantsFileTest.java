package io.github.o365auditcamel.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenants file: a properties file or a mounted ConfigMap directory, holding the tenant list and the tenants' own
 * settings, the rest coming from the environment as before; anything else in it, or the list set twice, is refused.
 */
class TenantsFileTest {

    private static final String CONTOSO = "11111111-1111-4111-8111-111111111111";
    private static final String FABRIKAM = "22222222-2222-4222-8222-222222222222";

    @TempDir
    Path dir;

    private final Map<String, String> environment = new HashMap<>(Map.of(
            "o365.client-id", "33333333-3333-4333-8333-333333333333",
            "o365.client-secret", "shared-secret",
            "kafka.brokers", "localhost:9092"));

    @Test
    void aPropertiesFileNamesTheTenantsInEitherFormAndTheEnvironmentGivesTheRest() throws Exception {
        Path file = dir.resolve("tenants.properties");
        Files.writeString(file, "# the customers\nO365_TENANTS = contoso, fabrikam\n"
                + "O365_TENANT_CONTOSO_TENANT_ID=" + CONTOSO + "\n"
                + "o365.tenant.fabrikam.tenant-id=" + FABRIKAM + "\n"
                + "o365.tenant.fabrikam.client-secret=own-secret\n");
        List<CollectorSettings> tenants = settings(file);
        assertEquals(List.of("contoso", "fabrikam"), tenants.stream().map(CollectorSettings::tenantName).toList());
        assertEquals(CONTOSO, tenants.get(0).tenantId());
        assertEquals("shared-secret", tenants.get(0).clientSecret(), "from the environment");
        assertEquals("own-secret", tenants.get(1).clientSecret(), "the tenant's own, from the file");
    }

    @Test
    void theSharedValuesOfTheTenantsSettingsMayBeInTheFileToo() throws Exception {
        Path file = dir.resolve("tenants.properties");
        Files.writeString(file, "O365_TENANTS=contoso\nO365_TENANT_CONTOSO_TENANT_ID=" + CONTOSO + "\n"
                + "O365_CLIENT_SECRET=rotated-secret\no365.content-types=Audit.General\n");
        CollectorSettings contoso = settings(file).get(0);
        assertEquals("rotated-secret", contoso.clientSecret(), "the file's, over the environment's");
        assertEquals(List.of("Audit.General"), contoso.contentTypes());
    }

    @Test
    void aMountedConfigMapIsADirectoryWithAFilePerSettingBesideTheKubeletsOwnEntries() throws Exception {
        Path mounted = Files.createDirectory(dir.resolve("tenants"));
        Path data = Files.createDirectory(mounted.resolve("..2026_12_06_10_00_00.000000001"));
        Files.writeString(data.resolve("O365_TENANTS"), "fabrikam\n");
        Files.writeString(data.resolve("O365_TENANT_FABRIKAM_TENANT_ID"), FABRIKAM + "\n");
        Files.createSymbolicLink(mounted.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(mounted.resolve("O365_TENANTS"), Path.of("..data/O365_TENANTS"));
        Files.createSymbolicLink(mounted.resolve("O365_TENANT_FABRIKAM_TENANT_ID"),
                Path.of("..data/O365_TENANT_FABRIKAM_TENANT_ID"));
        List<CollectorSettings> tenants = settings(mounted);
        assertEquals(1, tenants.size());
        assertEquals("fabrikam", tenants.get(0).tenantName());
        assertEquals(FABRIKAM, tenants.get(0).tenantId());
    }

    @Test
    void whatIsNotATenantsSettingOrTheListSetTwiceIsRefusedNamingTheSetting() throws Exception {
        Path file = dir.resolve("tenants.properties");
        Files.writeString(file, "O365_TENANTS=contoso\nO365_TENANT_CONTOSO_TENANT_ID=" + CONTOSO + "\n"
                + "O365_KAFKA_BROKERS=elsewhere:9092\n");
        InvalidSettingException notATenants = assertThrows(InvalidSettingException.class, () -> settings(file));
        assertEquals("O365_TENANTS_FILE", notATenants.variable());
        assertTrue(notATenants.getMessage().contains("sets O365_KAFKA_BROKERS, which is not a tenant's setting"),
                notATenants.getMessage());

        Files.writeString(file, "O365_TENANT_CONTOSO_TENANT_ID=" + CONTOSO + "\n");
        assertTrue(assertThrows(InvalidSettingException.class, () -> settings(file)).getMessage()
                .contains("does not set O365_TENANTS"));

        Files.writeString(file, "O365_TENANTS=contoso\nO365_TENANT_CONTOSO_TENANT_ID=" + CONTOSO + "\n");
        environment.put("o365.tenants", "fabrikam");
        InvalidSettingException twice = assertThrows(InvalidSettingException.class, () -> settings(file));
        assertTrue(twice.getMessage().startsWith("O365_TENANTS_FILE is set, and so is O365_TENANTS"),
                twice.getMessage());
    }

    @Test
    void aBadValueInTheFileIsSaidToComeFromItAndNoValueIsEchoed() throws Exception {
        Path file = dir.resolve("tenants.properties");
        Files.writeString(file, "O365_TENANTS=contoso\nO365_TENANT_CONTOSO_TENANT_ID=not-a-guid\n");
        TenantsFile tenantsFile = TenantsFile.of(lookup(file));
        Map<String, String> values = tenantsFile.read();
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> CollectorSettings.allFrom(TenantsFile.over(lookup(file), values)));
        String message = tenantsFile.inFile(e, values).getMessage();
        assertTrue(message.startsWith("O365_TENANT_CONTOSO_TENANT_ID "), message);
        assertTrue(message.endsWith("(set in O365_TENANTS_FILE, " + file + ")"), message);
        assertTrue(!message.contains("not-a-guid"), message);
    }

    @Test
    void withoutTheSettingThereIsNoTenantsFileAndAMissingOneIsRefused() {
        assertNull(TenantsFile.of(environment::get));
        environment.put("o365.tenants-file", dir.resolve("absent.properties").toString());
        assertTrue(assertThrows(InvalidSettingException.class, () -> TenantsFile.of(environment::get)).getMessage()
                .startsWith("O365_TENANTS_FILE names no readable file or directory"));
    }

    private Function<String, String> lookup(Path file) {
        environment.put("o365.tenants-file", file.toString());
        return environment::get;
    }

    private List<CollectorSettings> settings(Path file) {
        Function<String, String> lookup = lookup(file);
        TenantsFile tenantsFile = TenantsFile.of(lookup);
        return CollectorSettings.allFrom(TenantsFile.over(lookup, tenantsFile.read()));
    }
}
