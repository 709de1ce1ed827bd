package io.github.o365auditcamel.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.logging.log4j.Level;

/**
 * An in-process, single-node Apache Kafka broker in KRaft mode (combined broker + controller), for tests and for a
 * local demo. It listens on 127.0.0.1 only: a PLAINTEXT listener for clients and a CONTROLLER listener on a second
 * port. The ports are chosen once (at the first {@link #start()}) and kept, so {@link #restart()} comes back on the
 * same address with the same data.
 *
 * <p>The configuration suits a single node that serves idempotent and transactional producers (replication factors
 * and min ISR of 1), auto-creates topics with 3 partitions, and runs the log cleaner for compacted topics.
 *
 * <p>{@link SecuredKafkaBroker} runs one with secured client listeners (SASL_SSL, mutual TLS) instead.
 *
 * <p>Set the system property {@code embedded.kafka.quiet=false} to leave the broker's logging levels alone; by
 * default the broker-side loggers are lowered to WARN (best effort, only when log4j-core is present).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final long READY_TIMEOUT_MS = 30_000;

    private final ListenerLayout layout;
    private final Path logDir;
    private final boolean ownsLogDir;
    private final boolean portChosenByUs;
    private int port;
    private int controllerPort;
    /** The ports of the layout's listeners other than the client listener, chosen with the controller port. */
    private final Map<String, Integer> otherPorts = new LinkedHashMap<>();
    private KafkaRaftServer server;
    private volatile boolean running;
    private boolean closed;

    /** A broker with a fresh temporary log dir (deleted by {@link #close()}) and a free port chosen at first start. */
    public EmbeddedKafkaBroker() {
        this(ListenerLayout.plaintext());
    }

    /** Like {@link #EmbeddedKafkaBroker()}, with the given listeners: see {@link SecuredKafkaBroker}. */
    EmbeddedKafkaBroker(ListenerLayout layout) {
        this(tempDirFor(0), 0, true, layout);
    }

    /**
     * A broker on the given log dir (created if missing, formatted at first start if not formatted yet, never
     * deleted by this class) and client port; port 0 chooses a free one at first start.
     */
    public EmbeddedKafkaBroker(Path logDir, int port) {
        if (logDir == null) {
            throw new IllegalArgumentException("logDir must not be null");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.layout = ListenerLayout.plaintext();
        this.logDir = logDir.toAbsolutePath();
        this.ownsLogDir = false;
        this.port = port;
        this.portChosenByUs = port == 0;
    }

    /**
     * Formats the storage if it is not formatted yet, starts the combined broker + controller and returns once the
     * broker answers an AdminClient {@code describeCluster}. Does nothing if already running.
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafkaBroker is closed");
        }
        if (server != null) {
            return this;
        }
        quietBrokerLogging();
        boolean firstStart = controllerPort == 0;
        int attempts = firstStart && portChosenByUs ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            choosePorts();
            try {
                startOnce();
                return this;
            } catch (RuntimeException e) {
                if (attempt < attempts && isBindFailure(e)) {
                    // another process took a port between choosing and binding: choose again
                    port = 0;
                    controllerPort = 0;
                    otherPorts.clear();
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * A plaintext broker with further broker settings of the test's (a topic creation policy, say), a fresh temporary
     * log dir and a free port.
     */
    public static EmbeddedKafkaBroker withBrokerSettings(Map<String, String> settings) {
        ListenerLayout plain = ListenerLayout.plaintext();
        return new EmbeddedKafkaBroker(new ListenerLayout(plain.clientListener(), plain.securityProtocols(),
                plain.interBrokerListener(), settings, plain.scramCredentials()));
    }

    /** Cleanly shuts the broker down and waits for it; the data stays. Does nothing if not running. */
    public synchronized void stop() {
        KafkaRaftServer s = server;
        if (s == null) {
            return;
        }
        running = false;
        server = null;
        shutdownQuietly(s);
    }

    /** {@link #stop()} if running, then {@link #start()} again on the same ports and the same log dir. */
    public synchronized EmbeddedKafkaBroker restart() {
        stop();
        return start();
    }

    /** {@code 127.0.0.1:<port>}; only meaningful once a port is known (explicit, or after the first start). */
    public synchronized String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("No port chosen yet: call start() first");
        }
        return HOST + ":" + port;
    }

    public boolean isRunning() {
        return running;
    }

    /** The client port (0 until chosen). */
    public synchronized int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>} of one of the layout's listeners, by name; once the broker has started. */
    synchronized String bootstrapServers(String listener) {
        int listenerPort = listener.equals(layout.clientListener()) ? port : otherPorts.getOrDefault(listener, 0);
        if (listenerPort == 0) {
            throw new IllegalStateException("No port chosen yet for listener " + listener + ": call start() first");
        }
        return HOST + ":" + listenerPort;
    }

    /** The log dir holding both the metadata log and the topic data. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker and deletes the log dir if this instance created it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownsLogDir) {
                deleteRecursively(logDir);
            }
        }
    }

    private static EmbeddedKafkaBroker shared;

    /**
     * One broker for the in-process tests of this JVM, started on first use and closed when the JVM exits: each test
     * has topics of its own, and starting a broker per test class costs seconds. A test that stops or restarts the
     * broker needs one of its own.
     */
    public static synchronized EmbeddedKafkaBroker shared() {
        if (shared == null) {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-shutdown"));
            shared = broker;
        }
        return shared;
    }

    /** Whether this is the broker {@link #shared()} hands out, which only the JVM's exit closes. */
    public static synchronized boolean isShared(EmbeddedKafkaBroker broker) {
        return broker == shared;
    }

    /**
     * Standalone broker: {@code EmbeddedKafkaBroker [port] [logDir]} (port defaults to 9092; without a log dir a
     * temporary one is used and deleted on exit). Prints the bootstrap servers and runs until the JVM is stopped.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        EmbeddedKafkaBroker broker;
        if (args.length > 1) {
            broker = new EmbeddedKafkaBroker(Path.of(args[1]), port);
        } else {
            broker = new EmbeddedKafkaBroker(tempDirFor(port), port, true, ListenerLayout.plaintext());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "embedded-kafka-shutdown"));
        long t0 = System.nanoTime();
        broker.start();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("Embedded Kafka (KRaft) started in " + ms + " ms, log dir " + broker.logDir());
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    // ------------------------------------------------------------------------------------------------------------

    private EmbeddedKafkaBroker(Path logDir, int port, boolean ownsLogDir, ListenerLayout layout) {
        this.layout = layout;
        this.logDir = logDir;
        this.ownsLogDir = ownsLogDir;
        this.port = port;
        this.portChosenByUs = port == 0;
    }

    private static Path tempDirFor(int port) {
        try {
            return Files.createTempDirectory(port == 0 ? "embedded-kafka-" : "embedded-kafka-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary Kafka log dir", e);
        }
    }

    private void choosePorts() {
        Set<Integer> taken = new HashSet<>();
        if (port == 0) {
            port = freePort(taken);
        }
        taken.add(port);
        for (String listener : layout.otherListeners()) {
            otherPorts.computeIfAbsent(listener, name -> freePort(taken));
            taken.add(otherPorts.get(listener));
        }
        if (controllerPort == 0) {
            controllerPort = freePort(taken);
        }
    }

    private void startOnce() {
        try {
            Files.createDirectories(logDir);
            formatIfNeeded();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + logDir, e);
        }
        KafkaRaftServer s;
        try {
            s = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties(), false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot create the embedded Kafka server: " + e.getMessage(), e);
        }
        try {
            s.startup();
            awaitReady();
        } catch (Throwable t) {
            shutdownQuietly(s);
            throw new IllegalStateException("Embedded Kafka failed to start on " + HOST + ":" + port
                    + " (controller port " + controllerPort + ", log dir " + logDir + "): " + t, t);
        }
        server = s;
        running = true;
    }

    private boolean isFormatted() {
        return Files.isRegularFile(logDir.resolve("meta.properties"));
    }

    private void formatIfNeeded() throws Exception {
        if (isFormatted()) {
            return;
        }
        String dir = logDir.toString();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(dir)
                .addDirectory(dir)
                .setIgnoreFormatted(true);
        if (!layout.scramCredentials().isEmpty()) {
            formatter.setScramArguments(layout.scramCredentials());
        }
        formatter.run();
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        // KRaft, combined mode, static single-voter quorum
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        // every broker listener is advertised: a client is told the address of the listener it came through
        StringBuilder brokerListeners = new StringBuilder();
        StringBuilder protocols = new StringBuilder();
        for (Map.Entry<String, String> listener : layout.securityProtocols().entrySet()) {
            brokerListeners.append(listener.getKey()).append("://").append(bootstrapServers(listener.getKey()))
                    .append(',');
            protocols.append(listener.getKey()).append(':').append(listener.getValue()).append(',');
        }
        p.put("listeners", brokerListeners + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", brokerListeners.substring(0, brokerListeners.length() - 1));
        p.put("listener.security.protocol.map", protocols + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", layout.interBrokerListener());
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());

        // single node: idempotent producers, transactions, consumer groups
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "true");
        p.put("delete.topic.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");

        // storage: small segments, log cleaner on (compacted topics)
        p.put("log.cleaner.enable", "true");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8L * 1024 * 1024));
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("log.segment.bytes", String.valueOf(8 * 1024 * 1024)); // must stay >= message.max.bytes
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        p.put("offsets.topic.segment.bytes", String.valueOf(8 * 1024 * 1024));
        p.put("transaction.state.log.segment.bytes", String.valueOf(8 * 1024 * 1024));
        p.put("log.initial.task.delay.ms", "1000");

        // a small footprint
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");

        p.putAll(layout.brokerProperties());
        return p;
    }

    private void awaitReady() throws InterruptedException {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(layout.interBrokerListener()));
        ap.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness");
        ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        ap.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        ap.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        ap.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        Exception last = null;
        try (Admin admin = Admin.create(ap)) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                            .nodes().get(4, TimeUnit.SECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("Broker did not answer describeCluster within " + READY_TIMEOUT_MS + " ms",
                last);
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
        } catch (Throwable ignored) {
            // best effort
        }
        try {
            s.awaitShutdown();
        } catch (Throwable ignored) {
            // best effort
        }
    }

    private static int freePort(Set<Integer> avoid) {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
                socket.setReuseAddress(true);
                int p = socket.getLocalPort();
                if (!avoid.contains(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("Cannot find a free port on " + HOST);
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /** Deletes a directory tree, best effort; also used for {@link SecuredKafkaBroker}'s TLS files. */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("EmbeddedKafkaBroker: could not fully delete " + root + ": " + e);
        }
    }

    /**
     * Lowers the broker-side loggers to WARN via log4j-core's Configurator, found reflectively because log4j-core
     * is only on the runtime classpath. Client-side loggers ({@code org.apache.kafka.clients}, {@code org.apache.kafka.common}) are left alone.
     */
    private static void quietBrokerLogging() {
        if (!Boolean.parseBoolean(System.getProperty("embedded.kafka.quiet", "true"))) {
            return;
        }
        String[] loggers = {
            "kafka", "state.change.logger", "org.apache.kafka.server", "org.apache.kafka.raft",
            "org.apache.kafka.controller", "org.apache.kafka.metadata", "org.apache.kafka.image",
            "org.apache.kafka.storage", "org.apache.kafka.coordinator", "org.apache.kafka.queue",
            "org.apache.kafka.snapshot", "org.apache.kafka.security", "org.apache.kafka.network",
            "org.apache.zookeeper", // KafkaConfig still loads ZooKeeper TLS helpers
        };
        try {
            Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator");
            java.lang.reflect.Method setLevel = configurator.getMethod("setLevel", String.class, Level.class);
            for (String name : loggers) {
                setLevel.invoke(null, name, Level.WARN);
            }
            // logs every (re)activation of a fresh or reloaded quorum at WARN; expected here
            setLevel.invoke(null, "org.apache.kafka.controller.QuorumController", Level.ERROR);
        } catch (Throwable ignored) {
            // no log4j-core, or a different logging backend: leave logging as configured
        }
    }
}
