package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subscriptions: start, already-enabled and content listing without a subscription. */
class SimulatorSubscriptionsTest extends SimulatorTestSupport {

    @Test
    void startThenAlreadyEnabled() throws Exception {
        int startsBefore = sim.startCallCount();
        HttpResponse<String> first = api("POST", "subscriptions/start?contentType=Audit.General&PublisherIdentifier=" + sim.tenantId());
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(JSON.readTree("{\"contentType\":\"Audit.General\",\"status\":\"enabled\",\"webhook\":null}"),
                JSON.readTree(first.body()));
        HttpResponse<String> again = api("POST", "subscriptions/start?contenttype=Audit.General");
        assertEquals(400, again.statusCode());
        assertEquals(JSON.readTree("{\"error\":{\"code\":\"AF20024\",\"message\":\"The subscription is already enabled. No property change.\"}}"),
                JSON.readTree(again.body()));
        assertEquals(startsBefore + 2, sim.startCallCount());
        assertTrue(sim.enabledSubscriptions().contains("Audit.General"));

        JsonNode list = JSON.readTree(api("GET", "subscriptions/list").body());
        Set<String> listed = new HashSet<>();
        list.forEach(n -> listed.add(n.get("contentType").asText()));
        assertTrue(listed.containsAll(Set.of("Audit.General", "Audit.SharePoint", "Audit.Exchange")));

        assertErrorCode(api("POST", "subscriptions/start?contentType=Audit.Nope"), 400, "AF20020");
    }

    @Test
    void contentWithoutSubscriptionIsAf20022() throws Exception {
        assertErrorCode(api("GET", "subscriptions/content?contentType=DLP.All"), 400, "AF20022");
    }
}
