package io.github.o365auditcamel.simulator;

/**
 * A listing whose {@code NextPageUri} is hostile (issue 19, "Hostile input"), set per content type with
 * {@link ManagementApiSimulator#listingTrap(String, ListingTrap)} (or a tenant's
 * {@link SimulatedTenant#listingTrap}). It stays in force for every listing page of that content type
 * served (200) until cleared with {@code listingTrap(contentType, null)}; each such page counts in
 * {@link ManagementApiSimulator#listingTrapCount(String)}. The page's entries are the normal ones; only the
 * {@code NextPageUri} header changes, and every page gets one, the last page (or the only one) included.
 */
public enum ListingTrap {

    /**
     * The NextPageUri names another host: {@code https://evil.example.com} (or the base URL given to
     * {@link ManagementApiSimulator#listingTrap(String, ListingTrap, String)}) followed by the path and query a real
     * next page would have ({@code /api/v1.0/{tenant}/activity/feed/subscriptions/content?contentType=...&startTime=
     * ...&endTime=...&nextPage=...}; the real next page's token, or this page's own one on the last page).
     */
    FOREIGN_NEXT_PAGE,

    /**
     * The NextPageUri points at the very page just served: same host, tenant, contentType, startTime and endTime,
     * and a {@code nextPage} token that selects this same page. For the first page (requested without
     * {@code nextPage}), the token is a new one for page 0 of that listing, so from the second request on the
     * NextPageUri is exactly the URL just requested; following it serves the same page (same entries) forever.
     */
    SELF_NEXT_PAGE
}
