package io.github.o365auditcamel.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A replay an operator asked for ({@code bin/replay}): a tenant's records of some content types, created in
 * {@code [from, to)}, published again, to the record topics or to a topic the operator named, marked
 * {@code o365.replay=<id>}. It lives in the state topic ({@code replay|<tenant id>|<id>}), where the instance that
 * lists the tenant finds it and keeps its progress, so that it survives restarts and moves with the listing.
 * <p>
 * Per content type, the records created before {@code apiFrom} (older than the Management API keeps) come from
 * Microsoft Graph, one query per stretch; the others from the Management API, listing one hour of blobs at a time.
 *
 * @param id the replay's id ({@code r-20261207-081500-3fa2})
 * @param contentTypes the content types replayed
 * @param from the oldest CreationTime replayed
 * @param to the end of the range (exclusive)
 * @param topic the topic the operator named, or null: the record topics
 * @param requested when it was asked for
 * @param progress by content type, how far it got
 * @param status {@code requested}, {@code done} or {@code cancelled}
 */
public record Replay(String id, List<String> contentTypes, Instant from, Instant to, String topic, Instant requested,
        Map<String, Progress> progress, String status) {

    public static final String REQUESTED = "requested";
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One content type's progress.
     *
     * @param apiFrom records created from here on come from the Management API, before it from Graph
     * @param graphTo the Graph part is published up to here
     * @param listedTo the Management API's blobs made available before this are handled
     * @param blobs the blobs of the hour after {@code listedTo} already handled
     * @param records records published so far
     */
    public record Progress(Instant apiFrom, Instant graphTo, Instant listedTo, List<String> blobs, long records) {

        public Progress {
            blobs = List.copyOf(blobs);
        }

        public Progress graphUpTo(Instant upTo, long published) {
            return new Progress(apiFrom, upTo, listedTo, blobs, records + published);
        }

        public Progress blobHandled(String contentId, long published) {
            List<String> handled = new ArrayList<>(blobs);
            handled.add(contentId);
            return new Progress(apiFrom, graphTo, listedTo, handled, records + published);
        }

        public Progress listedUpTo(Instant upTo) {
            return new Progress(apiFrom, graphTo, upTo, List.of(), records);
        }
    }

    public Replay {
        contentTypes = List.copyOf(contentTypes);
        progress = Map.copyOf(progress);
    }

    /** A replay just asked for. */
    public static Replay requested(String id, List<String> contentTypes, Instant from, Instant to, String topic,
            Instant now) {
        return new Replay(id, contentTypes, from, to, topic, now, Map.of(), REQUESTED);
    }

    public boolean finished() {
        return !REQUESTED.equals(status);
    }

    public Replay with(String contentType, Progress of) {
        Map<String, Progress> all = new LinkedHashMap<>(progress);
        all.put(contentType, of);
        return new Replay(id, contentTypes, from, to, topic, requested, all, status);
    }

    public Replay ended(String how) {
        return new Replay(id, contentTypes, from, to, topic, requested, progress, how);
    }

    /**
     * How far it got, as one number that only grows: a state read that began before this instance's last commit
     * brings an older copy, which must not replace the newer.
     */
    long advance() {
        long seconds = 0;
        long blobs = 0;
        for (Progress p : progress.values()) {
            seconds += p.graphTo().getEpochSecond() + p.listedTo().getEpochSecond();
            blobs += p.blobs().size();
        }
        return (finished() ? Long.MAX_VALUE / 2 : 0) + seconds * 1000 + blobs;
    }

    /** Records published so far, all content types. */
    public long records() {
        return progress.values().stream().mapToLong(Progress::records).sum();
    }

    /** The state topic's value. */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        ArrayNode types = node.putArray("contentTypes");
        contentTypes.forEach(types::add);
        node.put("from", from.toString());
        node.put("to", to.toString());
        node.put("topic", topic);
        node.put("requested", requested.toString());
        node.put("status", status);
        ObjectNode all = node.putObject("progress");
        progress.forEach((type, p) -> {
            ObjectNode one = all.putObject(type);
            one.put("apiFrom", p.apiFrom().toString());
            one.put("graphTo", p.graphTo().toString());
            one.put("listedTo", p.listedTo().toString());
            ArrayNode blobs = one.putArray("blobs");
            p.blobs().forEach(blobs::add);
            one.put("records", p.records());
        });
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a state topic value; null when it is not one this version wrote. */
    public static Replay parse(String value) {
        try {
            JsonNode node = JSON.readTree(value);
            List<String> types = new ArrayList<>();
            node.get("contentTypes").forEach(t -> types.add(t.asText()));
            Map<String, Progress> progress = new LinkedHashMap<>();
            node.path("progress").fields().forEachRemaining(e -> {
                JsonNode p = e.getValue();
                List<String> blobs = new ArrayList<>();
                p.path("blobs").forEach(b -> blobs.add(b.asText()));
                progress.put(e.getKey(), new Progress(Instant.parse(p.get("apiFrom").asText()),
                        Instant.parse(p.get("graphTo").asText()), Instant.parse(p.get("listedTo").asText()), blobs,
                        p.path("records").asLong()));
            });
            JsonNode topic = node.get("topic");
            return new Replay(node.get("id").asText(), types, Instant.parse(node.get("from").asText()),
                    Instant.parse(node.get("to").asText()), topic == null || topic.isNull() ? null : topic.asText(),
                    Instant.parse(node.get("requested").asText()), progress, node.get("status").asText());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
