package io.github.o365auditcamel.api;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.github.o365auditcamel.config.CollectorSettings;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import io.github.o365auditcamel.listing.ListingWindow;
import io.github.o365auditcamel.routes.ExchangeVariables;

/**
 * The URLs of the Management Activity API operations for the configured tenant, and the guard that keeps the
 * bearer token on the configured API host: a {@code contentUri} or {@code NextPageUri} elsewhere is refused.
 */
public class ManagementApi {

    /** The listing's time format, UTC, as Microsoft's own examples write it. */
    private static final DateTimeFormatter LISTING_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Pages one listing window may have: at 200 entries a page, far more blobs than a day makes. */
    static final int MAX_PAGES_PER_WINDOW = 10_000;

    private final String feedUrl;
    private final String publisherId;
    private final URI api;

    public ManagementApi(CollectorSettings settings) {
        this.feedUrl = settings.feedUrl();
        this.publisherId = settings.publisherId();
        this.api = URI.create(settings.apiUrl());
    }

    public String subscriptionStartUri(String contentType) {
        return feedUrl + "/subscriptions/start?contentType=" + encode(contentType)
                + "&PublisherIdentifier=" + publisherId;
    }

    /** {@code GET subscriptions/list}: the tenant's subscriptions, each with its content type and status. */
    public String subscriptionListUri() {
        return feedUrl + "/subscriptions/list?PublisherIdentifier=" + publisherId;
    }

    public String contentListUri(String contentType, ListingWindow window) {
        return feedUrl + "/subscriptions/content?contentType=" + encode(contentType)
                + "&startTime=" + LISTING_TIME.format(window.start())
                + "&endTime=" + LISTING_TIME.format(window.end())
                + "&PublisherIdentifier=" + publisherId;
    }

    /** A {@code NextPageUri} or {@code contentUri} as served, checked and with our PublisherIdentifier. */
    public String followUri(String servedUri) {
        URI uri = requireOnApiHost(servedUri);
        String query = uri.getRawQuery();
        if (query != null && query.toLowerCase(Locale.ROOT).matches("(^|.*&)publisheridentifier=.*")) {
            return servedUri;
        }
        return servedUri + (query == null ? "?" : "&") + "PublisherIdentifier=" + publisherId;
    }

    /**
     * The next page of a content listing, from the response's {@code NextPageUri} header; null on the last page. A
     * page is never listed twice in one window, and a window has at most {@value #MAX_PAGES_PER_WINDOW} pages: a
     * listing that sends the collector round in circles fails the poll, saying so, instead of running forever.
     */
    public String nextPageUri(Exchange exchange) {
        Message response = exchange.getMessage();
        String next = response.getHeader("NextPageUri", String.class);
        if (next == null || next.isBlank()) {
            // the documentation once named it NextPageUrl; some clients still check both
            next = response.getHeader("NextPageUrl", String.class);
        }
        if (next == null || next.isBlank()) {
            return null;
        }
        String page = followUri(next.trim());
        @SuppressWarnings("unchecked")
        Set<String> listed = exchange.getVariable(ExchangeVariables.LISTED_PAGES, Set.class);
        if (listed == null) {
            listed = new HashSet<>();
            exchange.setVariable(ExchangeVariables.LISTED_PAGES, listed);
        }
        listed.add(exchange.getVariable(ExchangeVariables.API_URI, String.class));
        if (!listed.add(page)) {
            throw new ListingLoopException("the listing's NextPageUri points at a page already listed in this window");
        }
        if (listed.size() > MAX_PAGES_PER_WINDOW) {
            throw new ListingLoopException("the listing of one window has more than " + MAX_PAGES_PER_WINDOW
                    + " pages");
        }
        return page;
    }

    /** A listing that would never end (a page listed twice, too many pages): the poll fails with the reason. */
    public static class ListingLoopException extends RuntimeException {
        public ListingLoopException(String message) {
            super(message);
        }
    }

    /** Refuses any URI whose scheme, host or port differ from the configured API URL. */
    public URI requireOnApiHost(String candidate) {
        URI uri;
        try {
            uri = URI.create(candidate);
        } catch (IllegalArgumentException e) {
            throw new ForeignUriException("not a valid URI: " + abbreviate(candidate));
        }
        boolean same = api.getScheme().equalsIgnoreCase(String.valueOf(uri.getScheme()))
                && api.getHost().equalsIgnoreCase(String.valueOf(uri.getHost()))
                && effectivePort(api) == effectivePort(uri);
        if (!same) {
            throw new ForeignUriException("refusing to send the API token to " + uri.getScheme() + "://"
                    + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + ", which is not the configured API " + api);
        }
        return uri;
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
