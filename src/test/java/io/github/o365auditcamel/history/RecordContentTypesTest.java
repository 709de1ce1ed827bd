package io.github.o365auditcamel.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class RecordContentTypesTest {

    @Test
    void eachRecordTypeGoesToTheTopicItsContentTypeWouldHaveSentItTo() {
        assertEquals("Audit.Exchange", RecordContentTypes.of(2), "ExchangeItem");
        assertEquals("Audit.Exchange", RecordContentTypes.of(50), "ExchangeItemAggregated");
        assertEquals("Audit.SharePoint", RecordContentTypes.of(6), "SharePointFileOperation");
        assertEquals("Audit.SharePoint", RecordContentTypes.of(7), "OneDrive");
        assertEquals("Audit.AzureActiveDirectory", RecordContentTypes.of(15), "AzureActiveDirectoryStsLogon");
        assertEquals("DLP.All", RecordContentTypes.of(13), "ComplianceDLPExchange: DLP before the workload");
        assertEquals("DLP.All", RecordContentTypes.of(63), "DLPEndpoint");
        assertEquals("Audit.General", RecordContentTypes.of(25), "MicrosoftTeams");
        assertEquals("Audit.General", RecordContentTypes.of(261), "CopilotInteraction");
        assertEquals("Audit.General", RecordContentTypes.of(99_999), "a type newer than the table");
    }

    @Test
    void graphIsAskedForTheContentTypesRecordTypesByItsOwnNamesAndForEveryTypeForTheGeneralOne() {
        List<String> exchange = RecordContentTypes.graphFilters("Audit.Exchange");
        assertTrue(exchange.containsAll(List.of("exchangeAdmin", "exchangeItem", "exchangeItemAggregated")), exchange
                .toString());
        assertFalse(exchange.contains("complianceDLPExchange"), "DLP.All's");
        assertFalse(exchange.contains("sharePointFileOperation"));
        assertTrue(RecordContentTypes.graphFilters("DLP.All").containsAll(List.of("complianceDLPExchange",
                "complianceDLPSharePoint", "dlpEndpoint")));
        assertEquals("mipLabel", RecordContentTypes.graphName("MIPLabel"));
        assertEquals("crm", RecordContentTypes.graphName("CRM"));
        assertEquals("oneDrive", RecordContentTypes.graphName("OneDrive"));
        assertEquals(List.of(), RecordContentTypes.graphFilters("Audit.General"));
    }
}
