package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.Blob;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.RequestKind;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.o365auditcamel.simulator.ApiChecks.contentTypeParameter;
import static io.github.o365auditcamel.simulator.ApiChecks.requireEnabled;
import static io.github.o365auditcamel.simulator.ApiChecks.requirePermission;
import static io.github.o365auditcamel.simulator.ApiResponses.apiError;
import static io.github.o365auditcamel.simulator.ApiResponses.sendApi;
import static io.github.o365auditcamel.simulator.RequestSyntax.encode;
import static io.github.o365auditcamel.simulator.RequestSyntax.isBlank;

/**
 * The API's content listing, {@code GET subscriptions/content}: the window ({@code startTime}/{@code endTime}, at most
 * 24 hours, within the retention), pages of the tenant's blobs created in it (not yet those created after now) with a
 * {@code NextPageUri} header to the next page, a {@link ListingTrap}'s hostile NextPageUri, and a {@link Stall} of a
 * listing. Also {@code GET subscriptions/notifications}, which checks the same parameters and returns {@code []}.
 */
final class ContentListingEndpoint {

    private static final Duration MAX_WINDOW = Duration.ofHours(24);

    private final SimulatorSettings settings;
    private final SimulatorServer server;
    private final FaultInjection faults;
    private final ObjectMapper mapper;

    ContentListingEndpoint(SimulatorSettings settings, SimulatorServer server, FaultInjection faults,
                           ObjectMapper mapper) {
        this.settings = settings;
        this.server = server;
        this.faults = faults;
        this.mapper = mapper;
    }

    /** Parsed and validated startTime/endTime; null after an error answer. */
    private ListingWindow window(HttpExchange ex, Map<String, String> q) throws IOException {
        String startRaw = q.get("starttime");
        String endRaw = q.get("endtime");
        Instant now = settings.now();
        Instant start;
        Instant end;
        String startText;
        String endText;
        if (isBlank(startRaw) && isBlank(endRaw)) {
            end = now.truncatedTo(ChronoUnit.MILLIS);
            start = end.minus(MAX_WINDOW);
            startText = ApiTime.listing(start);
            endText = ApiTime.listing(end);
        } else if (isBlank(startRaw) || isBlank(endRaw)) {
            af20055(ex);
            return null;
        } else {
            start = ApiTime.parseQueryTime(startRaw);
            end = ApiTime.parseQueryTime(endRaw);
            if (start == null || end == null) {
                apiError(ex, 400, "AF20002", "Invalid parameter type: " + (start == null ? "startTime" : "endTime")
                        + ". Expected type: datetime.");
                return null;
            }
            startText = startRaw.trim();
            endText = endRaw.trim();
        }
        if (!start.isBefore(end) || Duration.between(start, end).compareTo(MAX_WINDOW) > 0
                || start.isBefore(now.minus(settings.retention()).minus(settings.retentionGrace()))) {
            af20055(ex);
            return null;
        }
        return new ListingWindow(start, end, startText, endText);
    }

    private void af20055(HttpExchange ex) throws IOException {
        apiError(ex, 400, "AF20055", "Start time and end time must both be specified (or both omitted) and must be "
                + "less than or equal to 24 hours apart, with the start time prior to end time and start time no more "
                + "than 7 days in the past.");
    }

    /** A listing of t's content ({@code tenant}: the path's tenant, as sent, for the NextPageUri). */
    void listContent(HttpExchange ex, SimulatedTenant t, String tenant, Map<String, String> q) throws IOException {
        if (t.firstListingNanos.get() == null) {
            t.firstListingNanos.compareAndSet(null, System.nanoTime());
        }
        t.listCalls.incrementAndGet();
        String type = contentTypeParameter(ex, q);
        if (type != null) {
            t.listCallsByType.computeIfAbsent(type, k -> new AtomicInteger()).incrementAndGet();
        }
        if (type == null || !requirePermission(ex, t, type) || !requireEnabled(ex, t, type)) {
            return;
        }
        ListingWindow w = window(ex, q);
        if (w == null) {
            return;
        }
        String nextPage = q.get("nextpage");
        ListingPages.Page<StoredBlob> page;
        if (!isBlank(nextPage)) {
            page = t.listings.page(nextPage.trim(), type, w);
            if (page == null) {
                apiError(ex, 400, "AF20031", "Invalid nextPage Input: " + nextPage + ".");
                return;
            }
        } else {
            page = t.listings.first(type, w, listable(t, type, w));
        }
        String nextToken = page.nextToken();
        String nextPageUri = nextToken == null ? null : nextPageUri(server.baseUrlOf(ex), tenant, type, w, nextToken);
        HostileReferences.Trap trap = t.content.hostile.trap(type);
        if (trap != null) {
            nextPageUri = switch (trap.kind()) {
                case SELF_NEXT_PAGE -> nextPageUri(server.baseUrlOf(ex), tenant, type, w, t.listings.token(page));
                case FOREIGN_NEXT_PAGE -> nextPageUri(trap.foreignBaseUrl(), tenant, type, w, nextToken != null
                        ? nextToken : t.listings.token(page));
            };
            t.content.hostile.countTrapAnswer(type);
        }
        if (nextPageUri != null) {
            ex.getResponseHeaders().set("NextPageUri", nextPageUri);
        }
        ArrayNode out = mapper.createArrayNode();
        String prefix = server.baseUrlOf(ex) + "/api/v1.0/" + t.tenantId() + "/activity/feed/audit/";
        for (StoredBlob b : page.entries()) {
            ObjectNode item = out.addObject();
            HostileEntry hostile = b.hostile;
            item.put("contentType", hostile != null ? hostile.listedContentType() : b.blob.contentType());
            item.put("contentId", b.id());
            if (hostile == null || hostile.uriContentId() != null) {
                item.put("contentUri", b.foreignUri != null ? b.foreignUri
                        : prefix + (hostile != null ? hostile.uriContentId() : b.id()));
            }
            item.put("contentCreated", ApiTime.listing(b.created()));
            item.put("contentExpiration", ApiTime.listing(b.blob.contentExpiration()));
        }
        Stall stall = faults.claimStall(RequestKind.LISTING, null);
        if (stall != null) {
            faults.sendHeld(ex, stall, mapper.writeValueAsBytes(out), false, ApiResponses.JSON_UTF8);
            return;
        }
        sendApi(ex, 200, mapper.writeValueAsBytes(out), false);
    }

    private static String nextPageUri(String base, String tenant, String type, ListingWindow w, String token) {
        return base + "/api/v1.0/" + tenant + "/activity/feed/subscriptions/content?contentType=" + encode(type)
                + "&startTime=" + encode(w.startText()) + "&endTime=" + encode(w.endText()) + "&nextPage=" + token;
    }

    /** The blobs of that type created in the window, oldest first, but those created after now. */
    private List<StoredBlob> listable(SimulatedTenant t, String type, ListingWindow w) {
        Instant now = settings.now();
        List<StoredBlob> listed = new ArrayList<>();
        NavigableSet<StoredBlob> set = t.content.ofType(type);
        if (set != null) {
            for (StoredBlob b : set.subSet(probe(w.start()), true, probe(w.end()), false)) {
                if (!b.created().isAfter(now)) {
                    listed.add(b);
                }
            }
        }
        return listed;
    }

    private static StoredBlob probe(Instant created) {
        return new StoredBlob(new Blob("", "", created, created, 0), new byte[0], new int[0]);
    }

    void listNotifications(HttpExchange ex, SimulatedTenant t, Map<String, String> q) throws IOException {
        String type = contentTypeParameter(ex, q);
        if (type == null || !requireEnabled(ex, t, type) || window(ex, q) == null) {
            return;
        }
        sendApi(ex, 200, RecordFactory.utf8("[]"), false);
    }
}
