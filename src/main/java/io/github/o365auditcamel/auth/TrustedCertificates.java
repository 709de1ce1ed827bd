package io.github.o365auditcamel.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Certificate authorities trusted on top of the JVM's own, from a PEM file ({@code o365.trusted-certificates}): for a
 * proxy that inspects TLS with a company CA, or a private endpoint. Used for the login host and the API alike.
 */
public final class TrustedCertificates {

    private final Path source;
    private final List<X509Certificate> extra;
    private final X509TrustManager trustManager;

    private TrustedCertificates(Path source, List<X509Certificate> extra, X509TrustManager trustManager) {
        this.source = source;
        this.extra = extra;
        this.trustManager = trustManager;
    }

    /**
     * The JVM's trusted authorities plus every certificate in the PEM file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TrustedCertificates load(Path pemFile) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            for (Certificate c : read) {
                certificates.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pemFile + ": " + e.getClass().getSimpleName());
        } catch (CertificateException e) {
            throw new IllegalArgumentException(pemFile + " is not a PEM file of certificates");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(pemFile + " holds no certificate (BEGIN CERTIFICATE)");
        }
        try {
            return new TrustedCertificates(pemFile, List.copyOf(certificates), combined(certificates));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust manager: " + e, e);
        }
    }

    /** The trust manager: the file's certificates and the JVM's default authorities. */
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /** A TLS context that trusts {@link #trustManager()}. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e, e);
        }
    }

    public int size() {
        return extra.size();
    }

    /** The PEM file they were read from. */
    public Path source() {
        return source;
    }

    @Override
    public String toString() {
        return source.toString();
    }

    private static X509TrustManager combined(List<X509Certificate> certificates) throws GeneralSecurityException {
        X509TrustManager jvm = trustManagerOf(null);
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("trusted-" + i, certificates.get(i));
        }
        X509TrustManager file = trustManagerOf(store);
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                jvm.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    file.checkServerTrusted(chain, authType);
                } catch (CertificateException notOurs) {
                    jvm.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                List<X509Certificate> all = new ArrayList<>(List.of(jvm.getAcceptedIssuers()));
                all.addAll(certificates);
                return all.toArray(X509Certificate[]::new);
            }
        };
    }

    private static X509TrustManager trustManagerOf(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
