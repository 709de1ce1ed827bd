package io.github.o365auditcamel.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.github.o365auditcamel.testing.TestCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulator's listeners on {@code 127.0.0.1}, their thread pool, ports and base URLs. Thread-safe.
 *
 * <p>HTTPS, for clients that refuse a plain-http authority (MSAL4J): with {@link SimulatorBuilder#https(boolean)} the
 * simulator also listens on a second, free port of {@code 127.0.0.1} with TLS, serving exactly the same endpoints and
 * state, with a self-signed server certificate made at start (subject alternative names IP {@code 127.0.0.1} and DNS
 * {@code localhost}, and the {@link SimulatorBuilder#playsHosts played hosts}) that a client must trust. Every URL the
 * simulator writes (the {@code contentUri} of listings, the {@code NextPageUri} header) and the token endpoint URL a
 * client assertion's {@code aud} must name use the scheme and port the request arrived on ({@link #baseUrlOf}): a
 * client that uses the https URL sees only https URLs.
 */
final class SimulatorServer {

    private final int configuredPort;
    private final boolean https;
    /** Microsoft host names the simulator plays behind a tunnelling proxy (certificate names, URLs it writes). */
    private final Set<String> playedHosts;

    private volatile HttpServer server;
    private volatile HttpsServer httpsServer;
    private volatile ExecutorService executor;
    private volatile int boundPort = -1;
    private volatile int boundHttpsPort = -1;
    private volatile TestCertificate serverCertificate;
    private Path serverCertificateFile;

    SimulatorServer(int configuredPort, boolean https, Set<String> playedHosts) {
        this.configuredPort = configuredPort;
        this.https = https;
        this.playedHosts = Set.copyOf(playedHosts);
    }

    /** Whether {@link #start} also binds the TLS listener. */
    boolean https() {
        return https;
    }

    /** Whether the listeners are started and not stopped. */
    boolean isRunning() {
        return server != null;
    }

    /**
     * Binds 127.0.0.1 on the configured port (0 = a free port) and, with https, makes the server certificate and binds
     * a second, free port with TLS; both serve {@code handler}.
     */
    synchronized void start(HttpHandler handler) {
        AtomicInteger threads = new AtomicInteger();
        // 16 threads, shared by both listeners: a held exchange (stallNext) occupies one of them
        ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "o365-api-simulator-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress("127.0.0.1", configuredPort), 128);
        } catch (IOException e) {
            pool.shutdownNow();
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + configuredPort, e);
        }
        s.setExecutor(pool);
        s.createContext("/", handler);
        HttpsServer tls = null;
        if (https) {
            try {
                List<String> names = new ArrayList<>(List.of("127.0.0.1", "localhost"));
                names.addAll(playedHosts);
                TestCertificate certificate = TestCertificate.generate("o365-api-simulator",
                        names.toArray(new String[0]));
                tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
                tls.setHttpsConfigurator(new HttpsConfigurator(serverSslContext(certificate)));
                tls.setExecutor(pool);
                tls.createContext("/", handler);
                this.serverCertificate = certificate;
            } catch (IOException | GeneralSecurityException e) {
                pool.shutdownNow();
                s.stop(0);
                throw new IllegalStateException("cannot start the https listener on 127.0.0.1", e);
            }
        }
        s.start();
        this.executor = pool;
        this.boundPort = s.getAddress().getPort();
        this.server = s;
        if (tls != null) {
            tls.start();
            this.boundHttpsPort = tls.getAddress().getPort();
            this.httpsServer = tls;
        }
    }

    /** A TLS context presenting that certificate and its key (a key store in memory). */
    private static SSLContext serverSslContext(TestCertificate certificate)
            throws IOException, GeneralSecurityException {
        char[] password = "simulator".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", certificate.keyPair().getPrivate(), password,
                new Certificate[] {certificate.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** Stops both listeners, closing every connection, held ones included (idempotent); the threads go on. */
    synchronized void stopListeners() {
        serverCertificateFile = null;
        HttpServer s = server;
        if (s != null) {
            s.stop(0); // closes every connection, held ones included, before their handlers wake up
            server = null;
        }
        HttpsServer tls = httpsServer;
        if (tls != null) {
            tls.stop(0);
            httpsServer = null;
        }
    }

    /** Stops the threads, interrupting those still in a handler (idempotent). */
    synchronized void stopThreads() {
        ExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
            executor = null;
        }
    }

    int port() {
        if (boundPort < 0) {
            throw new IllegalStateException("not started");
        }
        return boundPort;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    String httpsBaseUrl() {
        requireHttps();
        return "https://127.0.0.1:" + boundHttpsPort;
    }

    X509Certificate serverCertificate() {
        requireHttps();
        return serverCertificate.certificate();
    }

    String serverCertificatePem() {
        requireHttps();
        return serverCertificate.certificatePem();
    }

    /** {@link #serverCertificatePem()} in a temporary file, written once (again after a restart). */
    synchronized Path serverCertificateFile() {
        requireHttps();
        if (serverCertificateFile == null) {
            try {
                serverCertificateFile = Files.createTempFile("o365-simulator-", ".pem");
                serverCertificateFile.toFile().deleteOnExit();
                Files.writeString(serverCertificateFile, serverCertificatePem());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return serverCertificateFile;
    }

    private void requireHttps() {
        if (!https) {
            throw new IllegalStateException("https is off: ManagementApiSimulator.builder().https(true)");
        }
        if (boundHttpsPort < 0) {
            throw new IllegalStateException("not started");
        }
    }

    /** The base URL the request arrived on: {@link #httpsBaseUrl()} over TLS, else {@link #baseUrl()}. */
    String baseUrlOf(HttpExchange ex) {
        if (ex instanceof HttpsExchange) {
            // reached through a tunnel to a host it plays: the URLs it writes name that host, as Microsoft's do
            String host = ex.getRequestHeaders().getFirst("Host");
            String name = host == null ? "" : host.trim().replaceFirst(":443$", "");
            return playedHosts.contains(name) ? "https://" + name : httpsBaseUrl();
        }
        return baseUrl();
    }
}
