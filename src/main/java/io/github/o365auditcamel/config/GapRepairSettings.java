package io.github.o365auditcamel.config;

import java.util.List;

/**
 * Repairing a gap older than the Management Activity API keeps content (7 days) through Microsoft Graph's audit log
 * query API ({@code o365.gap-repair=graph}): where Graph is, and how many records one query may return. Graph's audit
 * log query API exists in the global cloud only (enterprise and GCC tenants), so the setting is refused in the others.
 *
 * @param enabled whether gaps are recorded and repaired ({@code o365.gap-repair=graph}) or only logged ({@code off})
 * @param graphUrl Microsoft Graph's base URL, without a trailing slash ({@code https://graph.microsoft.com})
 * @param queryLimit the {@code recordCountLimit} of each query: a query that matches more is split in two
 */
public record GapRepairSettings(boolean enabled, String graphUrl, int queryLimit) {

    /** {@code o365.gap-repair}: the gap is logged only, or repaired through Graph. */
    static final List<String> MODES = List.of("off", "graph");
    /** Microsoft Graph in the global cloud: the only one with the audit log query API. */
    public static final String GLOBAL_GRAPH_URL = "https://graph.microsoft.com";
    /** The client-credentials scope of a Graph token, whatever URL override is in place. */
    public static final String GRAPH_SCOPE = GLOBAL_GRAPH_URL + "/.default";

    static GapRepairSettings read(SettingsReader r, Cloud cloud) {
        boolean enabled = r.oneOf("o365.gap-repair", MODES).equals("graph");
        if (enabled && (cloud == Cloud.GCC_HIGH || cloud == Cloud.DOD)) {
            throw r.invalid("o365.gap-repair", "is graph, but Microsoft Graph's audit log query API exists only in the"
                    + " global cloud (enterprise and gcc), not in " + cloud.settingValue() + ": set it to off");
        }
        String graphUrl = r.url("o365.graph-url", GLOBAL_GRAPH_URL, false);
        int queryLimit = r.integer("o365.gap-repair.query-limit", 10, 1_000_000);
        return new GapRepairSettings(enabled, graphUrl, queryLimit);
    }

    /** The collection of audit log queries: {@code {graph}/v1.0/security/auditLog/queries}. */
    public String queriesUrl() {
        return graphUrl + "/v1.0/security/auditLog/queries";
    }
}
