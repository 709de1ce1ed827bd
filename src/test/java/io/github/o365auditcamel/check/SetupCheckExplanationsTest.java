package io.github.o365auditcamel.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The setup check's one-line explanations of Entra's and the API's codes, and its table. */
class SetupCheckExplanationsTest {

    @Test
    void aadstsCodesSayWhatToChange() {
        String refused = "token request refused by https://login.microsoftonline.com/t/oauth2/v2.0/token: HTTP 401"
                + " invalid_client AADSTS7000215: Invalid client secret provided.";
        assertEquals("AADSTS7000215", EntraCodes.codeIn(refused));
        assertTrue(EntraCodes.explain(refused).startsWith("AADSTS7000215: wrong client secret"));
        assertTrue(EntraCodes.explain("HTTP 400 AADSTS700016: Application not found").contains("O365_CLIENT_ID"));
        assertTrue(EntraCodes.explain("HTTP 400 AADSTS90002: Tenant not found").contains("O365_TENANT_ID"));
        // an unknown code: Entra's own words
        assertEquals("AADSTS1234: something", EntraCodes.explain("AADSTS1234: something"));
        assertTrue(EntraCodes.explain("token endpoint https://login.example unreachable: its host name does not"
                + " resolve (DNS)").contains("cannot be reached from here"));
    }

    @Test
    void apiCodesSayWhatToChange() {
        assertTrue(ApiCodes.explain(401, "AF10001", "The permission set ()", "DLP.All")
                .contains("lacks ActivityFeed.ReadDlp"));
        assertTrue(ApiCodes.explain(401, "AF10001", "The permission set ()", "Audit.Exchange")
                .contains("lacks ActivityFeed.Read:"));
        assertTrue(ApiCodes.explain(401, "AF10001", "", null).contains("lacks ActivityFeed.Read:"));
        assertTrue(ApiCodes.explain(400, "AF20023", "disabled by a tenant admin", "Audit.General")
                .contains("disabled by an admin"));
        assertTrue(ApiCodes.explain(400, "AF20011", "does not exist", null).contains("turn on auditing"));
        assertTrue(ApiCodes.explain(400, "StartSubscription [CorrId=…]", "Microsoft.Office.Compliance.Audit"
                + ".DataServiceException: Tenant 6f1d does not exist.", null).contains("turn on auditing"));
        assertTrue(ApiCodes.explain(400, "AF20010", "", null).contains("O365_TENANT_ID"));
    }

    @Test
    void oneLinePerCheck() {
        String table = CheckLine.table(List.of(CheckLine.ok("settings", "1 tenant(s)"),
                CheckLine.fail("subscription DLP.All", "AF10001:\nthe app lacks it")));
        assertEquals(List.of("CHECK                       DETAIL",
                "settings              OK    1 tenant(s)",
                "subscription DLP.All  FAIL  AF10001: the app lacks it"), table.lines().toList());
    }
}
