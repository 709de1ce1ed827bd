package io.github.o365auditcamel.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

import io.github.o365auditcamel.fetch.AuditRecord;
import io.github.o365auditcamel.fetch.BlobRecordStreamer;
import io.github.o365auditcamel.publish.AuditRecordHeaders;
import io.github.o365auditcamel.publish.RoutingRules;
import io.github.o365auditcamel.simulator.ManagementApiSimulator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What a record's headers and the routing rules cost per record, apart from everything else a record costs: the
 * simulator's records of every content type (about 2 KB each), streamed once as the collector streams them, then
 * timed through each step alone, many passes, the median pass reported in nanoseconds per record. The end-to-end
 * benchmark cannot tell a few hundred nanoseconds from its noise (about 5 µs per record); this can.
 * Run: {@code bench/java-main.sh RecordRoutingCost [records-per-content-type]}.
 */
public final class RecordRoutingCost {

    private static final int PASSES = 25;
    private static final int WARM_UP = 10;

    private RecordRoutingCost() {
    }

    public static void main(String[] args) throws Exception {
        int perType = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<AuditRecord> records = new ArrayList<>();
        long bytes;
        try (ManagementApiSimulator simulator = ManagementApiSimulator.builder().blobsPerContentType(0).build()) {
            simulator.start();
            BlobRecordStreamer streamer = new BlobRecordStreamer();
            for (String type : ManagementApiSimulator.ALL_CONTENT_TYPES) {
                for (ManagementApiSimulator.Blob blob : simulator.addBlobs(type, perType / 1000, 1000, null)) {
                    byte[] body = ("[" + String.join(",", simulator.records(blob.contentId())) + "]")
                            .getBytes(StandardCharsets.UTF_8);
                    try (BlobRecordStreamer.RecordIterator it = streamer.records(new ByteArrayInputStream(body))) {
                        it.forEachRemaining(records::add);
                    }
                }
            }
            bytes = records.stream().mapToLong(AuditRecord::size).sum();
        }
        List<Header> blobHeaders = List.of(header("o365.contentType", "Audit.Exchange"),
                header("o365.contentId", "20261207080502000755292$audit_exchange"), header("o365.tenant", "contoso"),
                header("o365.tenantId", "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b"),
                header("o365.instanceId", "o365-audit-camel-0"),
                header("o365.contentCreated", "2026-12-07T08:05:02.000Z"));
        RoutingRules documented = rules("""
                - when:
                    workload: Exchange
                    operation: [MailItemsAccessed, Send]
                  topic: o365.exchange.mail
                - when:
                    recordType: [CopilotInteraction, AIAppInteraction]
                  topic: o365.copilot
                """);
        StringBuilder ten = new StringBuilder();
        for (String operation : List.of("FileAccessed", "FileDownloaded", "FileDeleted", "UserLoggedIn",
                "UserLoginFailed", "Add member to role.", "New-InboxRule", "Set-Mailbox", "SharingSet")) {
            ten.append("- when:\n    operation: ").append(operation).append("\n  topic: o365.rule.")
                    .append(operation.replaceAll("[^A-Za-z]", "").toLowerCase(java.util.Locale.ROOT)).append('\n');
        }
        ten.append("- when:\n    workload: Exchange\n    operation: MailItemsAccessed\n  topic: o365.exchange.mail\n");
        RoutingRules tenRules = rules(ten.toString());

        System.out.printf("%,d records of %d content types, %,d bytes (%,d a record on average)%n", records.size(),
                ManagementApiSimulator.ALL_CONTENT_TYPES.size(), bytes, bytes / records.size());
        report("the record headers (AuditRecordHeaders.of)", records,
                r -> AuditRecordHeaders.of(r, blobHeaders).size());
        report("no routing rules (the default)", records,
                r -> RoutingRules.NONE.isEmpty() ? 0 : RoutingRules.NONE.topicFor(r).length());
        report("the two rules of docs/topics.md", records, r -> length(documented.topicFor(r)));
        report("ten rules, the last matching mail access", records, r -> length(tenRules.topicFor(r)));
    }

    private static long length(String topic) {
        return topic == null ? 0 : topic.length();
    }

    /** Runs {@code step} over every record, pass after pass; prints the median pass in ns per record. */
    private static void report(String what, List<AuditRecord> records, ToLongFunction<AuditRecord> step) {
        long[] passes = new long[PASSES];
        long sink = 0;
        for (int pass = -WARM_UP; pass < PASSES; pass++) {
            long start = System.nanoTime();
            for (AuditRecord record : records) {
                sink += step.applyAsLong(record);
            }
            if (pass >= 0) {
                passes[pass] = System.nanoTime() - start;
            }
        }
        Arrays.sort(passes);
        System.out.printf("%-45s %8.1f ns per record (median of %d passes; %d)%n", what,
                (double) passes[PASSES / 2] / records.size(), PASSES, sink % 10);
    }

    private static RoutingRules rules(String yaml) throws Exception {
        Path file = Files.createTempFile("rules", ".yaml");
        Files.writeString(file, yaml);
        try {
            return RoutingRules.load(file);
        } finally {
            Files.delete(file);
        }
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
