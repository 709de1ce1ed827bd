package io.github.o365auditcamel.simulator;

import io.github.o365auditcamel.config.Durations;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Runs the simulator alone ({@code bin/simulator}), for a collector started by hand: prints its URLs and credentials
 * as the {@code export} lines the collector needs, and serves until Ctrl+C. The same URLs serve Microsoft Graph's
 * audit log queries ({@code /v1.0/security/auditLog/queries}, token scope {@code https://graph.microsoft.com/.default}).
 */
public final class SimulatorMain {

    private static final String USAGE = "usage: bin/simulator [--port N (default 8365, 0 = any free port)] [--blobs N]"
            + " [--records N] [--backlog DURATION (e.g. 3d, 12h)] [--seed N]";
    private static final int DEFAULT_PORT = 8365;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        ManagementApiSimulator simulator;
        try {
            simulator = start(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("simulator: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        } catch (UncheckedIOException e) {
            System.err.println("simulator: " + e.getMessage() + ": " + e.getCause().getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "o365-api-simulator-shutdown"));
        new CountDownLatch(1).await();
    }

    /**
     * Starts the simulator the arguments describe and prints how to reach it: one line naming its URLs, tenant,
     * client and server certificate, then the collector's environment as {@code export} lines. The caller closes it.
     *
     * @throws IllegalArgumentException for an unknown option or a malformed value
     */
    static ManagementApiSimulator start(String[] args, PrintStream out) {
        ManagementApiSimulator simulator = builder(args).build();
        simulator.start();
        String certificate = simulator.serverCertificateFile().toString();
        out.println("Office 365 Management API simulator: http " + simulator.baseUrl() + ", https "
                + simulator.httpsBaseUrl() + ", tenant " + simulator.tenantId() + ", client " + simulator.clientId()
                + ", secret " + simulator.clientSecret() + ", server certificate " + certificate + " ("
                + simulator.recordCount() + " records in " + simulator.blobs().size() + " blobs; Graph audit log "
                + "queries under /v1.0/security/auditLog/queries, scope " + GraphRouter.GRAPH_RESOURCE + "/.default; "
                + "Ctrl+C stops it)");
        export(out, "O365_LOGIN_URL", simulator.httpsBaseUrl());
        export(out, "O365_TRUSTED_CERTIFICATES", certificate);
        export(out, "O365_API_URL", simulator.baseUrl());
        export(out, "O365_TENANT_ID", simulator.tenantId());
        export(out, "O365_CLIENT_ID", simulator.clientId());
        export(out, "O365_CLIENT_SECRET", simulator.clientSecret());
        // all five subscriptions at once: the simulator does not keep Microsoft's 15 minutes between start requests
        export(out, "O365_SUBSCRIPTION_START_INTERVAL", "0s");
        out.flush();
        return simulator;
    }

    /** The builder of {@code --port N --blobs N --records N --backlog 3d --seed N}, each optional. */
    static SimulatorBuilder builder(String[] args) {
        SimulatorBuilder builder = ManagementApiSimulator.builder().port(DEFAULT_PORT);
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("no value after " + option);
            }
            String value = args[i + 1];
            switch (option) {
                case "--port" -> builder.port(number(option, value, Integer::parseInt));
                case "--blobs" -> builder.blobsPerContentType(number(option, value, Integer::parseInt));
                case "--records" -> builder.recordsPerBlob(number(option, value, Integer::parseInt));
                case "--backlog" -> builder.backlog(Durations.parse(value));
                case "--seed" -> builder.seed(number(option, value, Long::parseLong));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return builder;
    }

    private static <T> T number(String option, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number: " + value);
        }
    }

    /** {@code export NAME='value'}, quoted for a POSIX shell. */
    private static void export(PrintStream out, String name, String value) {
        out.println("export " + name + "='" + value.replace("'", "'\\''") + "'");
    }
}
