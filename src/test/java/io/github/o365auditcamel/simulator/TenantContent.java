package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.Blob;
import io.github.o365auditcamel.simulator.ManagementApiSimulator.PoisonKind;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.o365auditcamel.simulator.ManagementApiSimulator.ALL_CONTENT_TYPES;
import static io.github.o365auditcamel.simulator.RequestSyntax.stripTrailingSlash;

/**
 * The content of one tenant: its blobs with their records (with the tenant's OrganizationId and domain, realistic
 * contentIds), their download counts, and its hostile references and listing traps. Thread-safe.
 *
 * <p>Broken content, for tests of a client's error handling: a poison blob's body is not a usable JSON array of
 * records ({@link PoisonKind}); a foreign blob's {@code contentUri} points at another host; an expired blob answers
 * AF20051. Their records are not <em>deliverable</em>: {@link #recordsByContentType()} and {@link #recordCount()}
 * count only the records of normal blobs (from addBlobs or the initial backlog) that were not expired.
 *
 * <p>Hostile input (issue 19), for tests of a client's defences: a {@link HostileReference} is one entry listed among
 * good blobs (no contentUri, a redirect to the metadata endpoint, a 1.5 MiB record between two normal ones, a 200 MiB
 * gzip bomb of blanks, a contentType other than the listing's, a contentId with CR/LF and control characters); of
 * their records only a {@link HostileReference#HUGE_RECORD}'s two normal ones are deliverable. A
 * {@link ListingTrap} makes a content type's listing pages carry a {@code NextPageUri} on another host or pointing at
 * the same page.
 *
 * <p>A blob's body never changes once added.
 */
final class TenantContent {

    /** Records in a {@link PoisonKind#TRUNCATED} or {@link PoisonKind#RECORD_WITHOUT_ID} body. */
    private static final int POISON_RECORDS = 20;

    private record NewId(String id, Instant aggregationStart) {
    }

    private final String tenantId;
    private final SimulatorSettings settings;
    private final ObjectMapper mapper;
    private final Object generationLock = new Object();
    private final Random random;               // guarded by generationLock
    private final RecordFactory records;       // guarded by generationLock
    private final String region;

    private final ConcurrentHashMap<String, StoredBlob> blobsById = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, NavigableSet<StoredBlob>> blobsByType = new ConcurrentHashMap<>();
    /** Types that got normal blobs (possibly none) through addBlobs/start: the keys of recordsByContentType(). */
    private final Set<String> recordTypes = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> blobGets = new ConcurrentHashMap<>();
    private final AtomicInteger gzippedBlobGets = new AtomicInteger();
    private final AtomicInteger servedCopies = new AtomicInteger();
    private final AtomicInteger recordTotal = new AtomicInteger();
    /** The tenant's hostile references and listing traps: registered here, counted by the endpoints. */
    final HostileReferences hostile = new HostileReferences();

    TenantContent(String tenantId, String tenantDomain, long seed, SimulatorSettings settings, ObjectMapper mapper) {
        this.tenantId = tenantId;
        this.settings = settings;
        this.mapper = mapper;
        this.random = new Random(seed);
        this.records = new RecordFactory(tenantId, tenantDomain, new Random(seed ^ 0x5DEECE66DL));
        String[] regions = {"na0036", "na0047", "emea0026", "emea0029", "emea0036", "can0014"};
        this.region = regions[new Random(seed).nextInt(regions.length)];
    }

    /** At start(): {@code blobsPerContentType} blobs of each type, spread evenly over [now - backlog, now - 1 min]. */
    void generateBacklog(List<String> contentTypes, int blobsPerContentType, int recordsPerBlob, Duration backlog) {
        Instant now = settings.now();
        Instant last = now.minus(Duration.ofMinutes(1));
        Instant first = backlog.compareTo(Duration.ofMinutes(1)) > 0 ? now.minus(backlog) : last;
        for (String type : contentTypes) {
            blobsOf(type);
            recordTypes.add(type);
            for (int i = 0; i < blobsPerContentType; i++) {
                Instant created = blobsPerContentType == 1 ? last
                        : first.plusMillis(Duration.between(first, last).toMillis() * i / (blobsPerContentType - 1));
                addBlobs(type, 1, recordsPerBlob, created);
            }
        }
    }

    /** The blob with that contentId, or null. */
    StoredBlob get(String contentId) {
        return blobsById.get(contentId);
    }

    /** Every blob of the tenant (of every content type and kind), in no particular order. */
    Collection<StoredBlob> storedBlobs() {
        return blobsById.values();
    }

    /** The blobs of that content type by contentCreated, or null when it never had any. */
    NavigableSet<StoredBlob> ofType(String contentType) {
        return blobsByType.get(contentType);
    }

    /** As {@link ManagementApiSimulator#addBlobs}, in this tenant (records with its OrganizationId and domain). */
    List<Blob> addBlobs(String contentType, int blobCount, int recordsPerBlob, Instant contentCreated) {
        requireContentType(contentType);
        if (blobCount < 0 || recordsPerBlob < 1) {
            throw new IllegalArgumentException("blobCount >= 0 and recordsPerBlob >= 1 required");
        }
        Instant created = creationTime(contentCreated);
        NavigableSet<StoredBlob> set = blobsOf(contentType);
        recordTypes.add(contentType);
        List<Blob> added = new ArrayList<>(blobCount);
        synchronized (generationLock) {
            for (int n = 0; n < blobCount; n++) {
                NewId newId = unusedContentId(contentType, created);
                Instant aggregationStart = newId.aggregationStart();
                String id = newId.id();
                ByteArrayOutputStream body = new ByteArrayOutputStream(recordsPerBlob * (settings.recordSizeBytes() + 64));
                int[] offsets = new int[recordsPerBlob * 2];
                body.write('[');
                // the service's own duplicates: some records served again, verbatim, in a later blob
                StoredBlob source = settings.duplicateRecordShare() > 0 ? lastDeliverable(set) : null;
                List<String> earlier = source != null ? source.records() : List.of();
                int fresh = 0;
                for (int r = 0; r < recordsPerBlob; r++) {
                    if (r > 0) {
                        body.write(',');
                    }
                    byte[] rec;
                    if (!earlier.isEmpty() && random.nextDouble() < settings.duplicateRecordShare()) {
                        rec = earlier.get(random.nextInt(earlier.size())).getBytes(StandardCharsets.UTF_8);
                        servedCopies.incrementAndGet();
                    } else {
                        rec = records.create(contentType, random, created, RecordFactory.targetSize(random, settings.recordSizeBytes()));
                        fresh++;
                    }
                    offsets[2 * r] = body.size();
                    body.writeBytes(rec);
                    offsets[2 * r + 1] = body.size();
                }
                body.write(']');
                Blob blob = new Blob(contentType, id, created, aggregationStart.plus(settings.retention()), recordsPerBlob);
                StoredBlob stored = new StoredBlob(blob, body.toByteArray(), offsets);
                blobsById.put(id, stored);
                blobGets.putIfAbsent(id, new AtomicInteger());
                set.add(stored);
                recordTotal.addAndGet(fresh);
                added.add(blob);
            }
        }
        return added;
    }

    private void requireContentType(String contentType) {
        if (!ALL_CONTENT_TYPES.contains(contentType)) {
            throw new IllegalArgumentException("not a content type: " + contentType);
        }
    }

    /** A blob's contentCreated: the one asked for (null = now), truncated to milliseconds as the API lists it. */
    private Instant creationTime(Instant contentCreated) {
        return (contentCreated == null ? settings.now() : contentCreated).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The blobs of that content type, by contentCreated. */
    private NavigableSet<StoredBlob> blobsOf(String contentType) {
        return blobsByType.computeIfAbsent(contentType, t -> new ConcurrentSkipListSet<>(StoredBlob.BY_CREATED));
    }

    /** A new contentId no blob of this tenant has; caller holds generationLock. */
    private NewId unusedContentId(String contentType, Instant created) {
        return unusedContentId(contentType, created, null);
    }

    /** A new contentId no blob of this tenant has, nor {@code alsoTaken}; caller holds generationLock. */
    private NewId unusedContentId(String contentType, Instant created, String alsoTaken) {
        NewId newId;
        do {
            newId = newContentId(contentType, created);
        } while (blobsById.containsKey(newId.id()) || newId.id().equals(alsoTaken));
        return newId;
    }

    /** A GET of that blob answered 200 (gzip-compressed or not). */
    void countBlobGet(String contentId, boolean gzip) {
        blobGets.computeIfAbsent(contentId, k -> new AtomicInteger()).incrementAndGet();
        if (gzip) {
            gzippedBlobGets.incrementAndGet();
        }
    }

    /** A realistic contentId (reference, section 4.5) for a blob created at {@code created}; caller holds generationLock. */
    private NewId newContentId(String contentType, Instant created) {
        Instant aggregationStart = random.nextInt(10) < 3 ? created
                : created.minusMillis(1 + random.nextInt(5 * 60_000));
        String t2 = ApiTime.CONTENT_ID.format(created) + digits(6);
        String t1 = aggregationStart.equals(created) ? t2 : ApiTime.CONTENT_ID.format(aggregationStart) + digits(6);
        String under = contentType.replace('.', '_');
        String id = t1 + "$" + t2 + "$" + under.toLowerCase(Locale.ROOT) + "$" + under + "$" + region;
        return new NewId(id, aggregationStart);
    }

    Blob addPoisonBlob(String contentType, PoisonKind kind, Instant contentCreated) {
        requireContentType(contentType);
        Objects.requireNonNull(kind, "kind");
        Instant created = creationTime(contentCreated);
        NavigableSet<StoredBlob> set = blobsOf(contentType);
        synchronized (generationLock) {
            NewId newId = unusedContentId(contentType, created);
            byte[] body = poisonBody(contentType, kind, created);
            Blob blob = new Blob(contentType, newId.id(), created, newId.aggregationStart().plus(settings.retention()), 0);
            StoredBlob stored = new StoredBlob(blob, body, new int[0],
                    kind == PoisonKind.NOT_JSON ? ApiResponses.HTML : ApiResponses.JSON_UTF8, kind, null);
            blobsById.put(blob.contentId(), stored);
            blobGets.putIfAbsent(blob.contentId(), new AtomicInteger());
            set.add(stored);
            return blob;
        }
    }

    /** Caller holds generationLock. */
    private byte[] poisonBody(String contentType, PoisonKind kind, Instant created) {
        switch (kind) {
            case NOT_AN_ARRAY:
                return RecordFactory.utf8("{\"error\":\"The content could not be retrieved. Retry the request.\"}");
            case NOT_JSON:
                return RecordFactory.utf8("<html><body>Service Unavailable</body></html>");
            case TRUNCATED: {
                ByteArrayOutputStream body = new ByteArrayOutputStream(POISON_RECORDS * (settings.recordSizeBytes() + 64));
                body.write('[');
                for (int r = 0; r < 11; r++) {
                    byte[] rec = records.create(contentType, random, created, RecordFactory.targetSize(random, settings.recordSizeBytes()));
                    if (r > 0) {
                        body.write(',');
                    }
                    if (r < 10) {
                        body.writeBytes(rec);
                    } else {
                        // cut in the middle of the 11th record, on a character boundary
                        String text = new String(rec, StandardCharsets.UTF_8);
                        body.writeBytes(text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8));
                    }
                }
                return body.toByteArray();
            }
            case RECORD_WITHOUT_ID: {
                ByteArrayOutputStream body = new ByteArrayOutputStream(POISON_RECORDS * (settings.recordSizeBytes() + 64));
                body.write('[');
                for (int r = 0; r < POISON_RECORDS; r++) {
                    byte[] rec = records.create(contentType, random, created, RecordFactory.targetSize(random, settings.recordSizeBytes()));
                    if (r == 6) {
                        try {
                            ObjectNode node = (ObjectNode) mapper.readTree(rec);
                            node.remove("Id");
                            rec = mapper.writeValueAsBytes(node);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    if (r > 0) {
                        body.write(',');
                    }
                    body.writeBytes(rec);
                }
                body.write(']');
                return body.toByteArray();
            }
            default:
                throw new IllegalArgumentException("unknown poison kind " + kind);
        }
    }

    Blob addForeignBlob(String contentType, String foreignBaseUrl, Instant contentCreated) {
        requireContentType(contentType);
        String base = stripTrailingSlash(Objects.requireNonNull(foreignBaseUrl, "foreignBaseUrl"));
        Instant created = creationTime(contentCreated);
        NavigableSet<StoredBlob> set = blobsOf(contentType);
        synchronized (generationLock) {
            NewId newId = unusedContentId(contentType, created);
            Blob blob = new Blob(contentType, newId.id(), created, newId.aggregationStart().plus(settings.retention()), 0);
            String uri = base + "/api/v1.0/" + tenantId + "/activity/feed/audit/" + blob.contentId();
            StoredBlob stored = new StoredBlob(blob, new byte[0], new int[0], ApiResponses.JSON_UTF8, null, uri);
            blobsById.put(blob.contentId(), stored);
            set.add(stored);
            return blob;
        }
    }

    Blob addHostileReference(String contentType, HostileReference kind, Instant contentCreated) {
        Objects.requireNonNull(kind, "kind");
        return addHostile(contentType, kind, contentCreated,
                kind == HostileReference.WRONG_CONTENT_TYPE ? HostileContent.defaultClaimedType(contentType) : contentType);
    }

    Blob addWrongContentTypeReference(String contentType, String claimedContentType, Instant contentCreated) {
        if (!ALL_CONTENT_TYPES.contains(claimedContentType) || claimedContentType.equals(contentType)) {
            throw new IllegalArgumentException("not another content type: " + claimedContentType);
        }
        return addHostile(contentType, HostileReference.WRONG_CONTENT_TYPE, contentCreated, claimedContentType);
    }

    private Blob addHostile(String contentType, HostileReference kind, Instant contentCreated, String claimed) {
        requireContentType(contentType);
        Instant created = creationTime(contentCreated);
        NavigableSet<StoredBlob> set = blobsOf(contentType);
        synchronized (generationLock) {
            NewId newId = unusedContentId(contentType, created);
            String id = newId.id();
            String uriId = id;
            if (kind == HostileReference.MISSING_CONTENT_URI) {
                uriId = null;
            } else if (kind == HostileReference.BAD_CONTENT_ID) {
                id = id + HostileContent.BAD_CONTENT_ID_TAIL;
                uriId = unusedContentId(contentType, created, newId.id()).id();
            }
            HostileContent.Body b = HostileContent.body(kind, mapper, random, contentType, claimed,
                    type -> records.create(type, random, created, RecordFactory.targetSize(random, settings.recordSizeBytes())));
            List<String> deliverable = b.deliverableIds();
            HostileEntry entry = new HostileEntry(kind, id, contentType, claimed, uriId, deliverable, b.undeliverableIds());
            Blob blob = new Blob(contentType, id, created, newId.aggregationStart().plus(settings.retention()), deliverable.size());
            StoredBlob stored = new StoredBlob(blob, b.body(), b.offsets(), ApiResponses.JSON_UTF8, null, null, entry);
            blobsById.put(id, stored);
            if (kind.served() && kind != HostileReference.REDIRECT) {
                blobGets.putIfAbsent(id, new AtomicInteger()); // those that answer 200
            }
            hostile.add(entry);
            set.add(stored);
            if (!deliverable.isEmpty()) {
                recordTypes.add(contentType);
                recordTotal.addAndGet(deliverable.size());
            }
            return blob;
        }
    }

    HostileEntry hostileReference(String contentId) {
        HostileEntry e = hostile.get(contentId);
        if (e == null) {
            throw new IllegalArgumentException("not a hostile reference: " + contentId);
        }
        return e;
    }

    int hostileRequestCount(String contentId) {
        return hostile.requestCount(contentId);
    }

    void listingTrap(String contentType, ListingTrap trap, String foreignBaseUrl) {
        requireContentType(contentType);
        hostile.trap(contentType, trap, foreignBaseUrl);
    }

    int listingTrapCount(String contentType) {
        return hostile.trapAnswerCount(contentType);
    }

    void expireBlob(String contentId) {
        StoredBlob b = blobsById.get(contentId);
        if (b == null) {
            throw new IllegalArgumentException("unknown contentId " + contentId);
        }
        if (b.foreignUri != null) {
            throw new IllegalArgumentException("a foreign blob is not served by this simulator: " + contentId);
        }
        synchronized (generationLock) {
            if (b.expired) {
                return;
            }
            boolean wasDeliverable = b.deliverable();
            b.expired = true;
            if (!wasDeliverable) {
                return;
            }
            Set<String> gone = new HashSet<>(b.records());
            if (settings.duplicateRecordShare() > 0) {
                // a record the service served again in another (still deliverable) blob stays deliverable
                for (StoredBlob other : blobsByType.get(b.blob.contentType())) {
                    if (gone.isEmpty()) {
                        break;
                    }
                    if (other != b && other.deliverable()) {
                        other.records().forEach(gone::remove);
                    }
                }
            }
            recordTotal.addAndGet(-gone.size());
        }
    }

    List<Blob> blobs() {
        List<StoredBlob> all = new ArrayList<>(blobsById.values());
        all.sort(StoredBlob.BY_CREATED);
        return all.stream().map(s -> s.blob).toList();
    }

    Map<String, List<String>> recordsByContentType() {
        Map<String, List<String>> out = new TreeMap<>();
        blobsByType.forEach((type, set) -> {
            if (!recordTypes.contains(type)) {
                return;
            }
            LinkedHashSet<String> distinct = new LinkedHashSet<>();
            for (StoredBlob b : set) {
                if (b.deliverable()) {
                    distinct.addAll(b.records());
                }
            }
            out.put(type, new ArrayList<>(distinct));
        });
        return out;
    }

    int servedCopyCount() {
        return servedCopies.get();
    }

    List<String> records(String contentId) {
        StoredBlob b = blobsById.get(contentId);
        if (b == null) {
            throw new IllegalArgumentException("unknown contentId " + contentId);
        }
        return b.records();
    }

    int recordCount() {
        return recordTotal.get();
    }

    int blobGetCount(String contentId) {
        AtomicInteger c = blobGets.get(contentId);
        return c == null ? 0 : c.get();
    }

    Map<String, Integer> blobGetCounts() {
        Map<String, Integer> out = new HashMap<>();
        blobGets.forEach((id, c) -> out.put(id, c.get()));
        return out;
    }

    int gzippedBlobGetCount() {
        return gzippedBlobGets.get();
    }

    StoredBlob requireBlob(String contentId) {
        StoredBlob b = contentId == null ? null : blobsById.get(contentId);
        if (b == null) {
            throw new IllegalArgumentException("unknown contentId " + contentId);
        }
        return b;
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    /** The deliverable blob with the latest contentCreated (the source of the service's own duplicates), or null. */
    private static StoredBlob lastDeliverable(NavigableSet<StoredBlob> set) {
        for (Iterator<StoredBlob> it = set.descendingIterator(); it.hasNext(); ) {
            StoredBlob b = it.next();
            if (b.deliverable()) {
                return b;
            }
        }
        return null;
    }
}
