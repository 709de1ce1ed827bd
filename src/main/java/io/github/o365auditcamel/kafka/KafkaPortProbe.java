package io.github.o365auditcamel.kafka;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Asks a broker's port which protocol it speaks, before a Kafka client trusts it: it sends an ApiVersions request
 * (version 0, the first request every Kafka client sends) and looks at the first bytes of the answer. A Kafka
 * listener without TLS answers with a frame of a few hundred bytes; a TLS listener answers with a TLS alert
 * (record type 21, version 3.x). Only the first bootstrap server that accepts a connection is asked; nothing is
 * concluded from one that does not answer.
 */
final class KafkaPortProbe {

    private static final int CONNECT_TIMEOUT_MILLIS = 3000;
    /** A busy broker may take a while to answer; a client that guessed wrong would run out of memory, so wait. */
    private static final int ANSWER_TIMEOUT_MILLIS = 15_000;
    private static final int ATTEMPTS = 3;
    private static final short API_VERSIONS = 18;
    private static final int TLS_ALERT = 21;
    private static final int TLS_HANDSHAKE = 22;

    /** What the broker at {@code broker} answered, when it answered at all. */
    record Answer(String broker, boolean speaksTls, boolean speaksPlainKafka) {
        static final Answer NONE = new Answer(null, false, false);
    }

    private KafkaPortProbe() {
    }

    /**
     * What the first broker that accepts a connection answers; asked up to three times while it accepts but its answer
     * says neither (a busy broker that closed the connection before answering, say), since a client that guesses wrong
     * about TLS runs out of memory.
     */
    static Answer probe(String bootstrapServers) {
        Answer answer = probeOnce(bootstrapServers);
        for (int attempt = 1; attempt < ATTEMPTS && answer.broker() != null && !answer.speaksTls()
                && !answer.speaksPlainKafka(); attempt++) {
            answer = probeOnce(bootstrapServers);
        }
        if (answer.broker() != null && !answer.speaksTls() && !answer.speaksPlainKafka()) {
            // a TLS listener may close a plaintext request without an alert: its ServerHello settles it. Asked up to
            // three times too: a busy broker may drop a handshake before answering it
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                if (answersTlsHandshake(answer.broker())) {
                    return new Answer(answer.broker(), true, false);
                }
            }
        }
        return answer;
    }

    /**
     * Whether the broker answers a TLS ClientHello with TLS (a ServerHello, or an alert). Only to tell the protocol:
     * nothing but the handshake is sent, so no certificate is checked (a certificate problem is for the Kafka client
     * to report, with its own settings).
     */
    static boolean answersTlsHandshake(String broker) {
        int colon = broker.lastIndexOf(':');
        String host = broker.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(broker.substring(colon + 1));
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            plain.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new AnyCertificate()}, null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, false)) {
                socket.startHandshake();
                return true;
            }
        } catch (SSLHandshakeException e) {
            // the broker answered in TLS (an alert: no common protocol or cipher, a client certificate wanted)
            return e.getMessage() != null && e.getMessage().contains("alert");
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            // closed or silent: not TLS, or not known
            return false;
        }
    }

    /** Accepts any certificate: the probe only asks whether the port speaks TLS, and sends nothing else. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static Answer probeOnce(String bootstrapServers) {
        for (String server : bootstrapServers.split(",")) {
            String broker = server.trim();
            int colon = broker.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String host = broker.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(broker.substring(colon + 1));
            try (Socket socket = new Socket()) {
                try {
                    socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                } catch (IOException | RuntimeException e) {
                    // not reachable (yet): the next one, or no conclusion
                    continue;
                }
                socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
                sendApiVersionsRequest(socket);
                byte[] head = readUpTo(socket.getInputStream(), 4);
                if (head.length >= 2 && (head[0] == TLS_ALERT || head[0] == TLS_HANDSHAKE) && head[1] == 3) {
                    return new Answer(broker, true, false);
                }
                if (head.length == 4) {
                    int length = ((head[0] & 0xff) << 24) | ((head[1] & 0xff) << 16) | ((head[2] & 0xff) << 8)
                            | (head[3] & 0xff);
                    return new Answer(broker, false, length > 0 && length < 1_000_000);
                }
                return new Answer(broker, false, false);
            } catch (IOException | RuntimeException e) {
                // it accepted the connection, then reset it or said nothing (a TLS listener may reset a plaintext
                // request): no conclusion from this answer, so the TLS handshake is asked next
                return new Answer(broker, false, false);
            }
        }
        return Answer.NONE;
    }

    /** ApiVersions v0: size, api key, api version, correlation id, client id; no body. */
    private static void sendApiVersionsRequest(Socket socket) throws IOException {
        byte[] clientId = "o365-audit-camel-probe".getBytes(StandardCharsets.UTF_8);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(2 + 2 + 4 + 2 + clientId.length);
        out.writeShort(API_VERSIONS);
        out.writeShort(0);
        out.writeInt(1);
        out.writeShort(clientId.length);
        out.write(clientId);
        out.flush();
    }

    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        byte[] buffer = new byte[n];
        int read = 0;
        while (read < n) {
            int r = in.read(buffer, read, n - read);
            if (r < 0) {
                break;
            }
            read += r;
        }
        return java.util.Arrays.copyOf(buffer, read);
    }
}
