package io.github.o365auditcamel.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway TLS material for a secured test broker, made by the test (BouncyCastle) and written to a directory: a CA,
 * a server certificate it signed for {@code 127.0.0.1} and {@code localhost}, and a client certificate it signed, for
 * mutual TLS. Each store has a password of its own, generated here, so that a test notices a client configured with
 * the wrong one. The keys are EC P-256: three RSA 2048 keys take seconds to make in a test JVM with the quick
 * compiler only.
 *
 * <ul>
 * <li>{@link #serverKeystore()}: the broker's key and certificate chain (PKCS#12)</li>
 * <li>{@link #serverTruststore()}: the CA, for the broker to check client certificates (PKCS#12)</li>
 * <li>{@link #clientTruststore()}: the CA, for clients to check the broker (PKCS#12)</li>
 * <li>{@link #caCertificatePem()}: the same CA as a PEM file, for {@code ssl.truststore.type=PEM}</li>
 * <li>{@link #clientKeystore()}: a client's key and certificate chain (PKCS#12), for mutual TLS</li>
 * </ul>
 */
public final class KafkaTlsFiles {

    private static final String HOST_IP = "127.0.0.1";
    private static final String HOST_NAME = "localhost";

    private final Path directory;
    private final String caCertificatePemText;
    private final Path serverKeystore;
    private final String serverKeystorePassword;
    private final Path serverTruststore;
    private final String serverTruststorePassword;
    private final Path clientTruststore;
    private final String clientTruststorePassword;
    private final Path caCertificatePem;
    private final Path clientKeystore;
    private final String clientKeystorePassword;

    private KafkaTlsFiles(Path directory) throws IOException, GeneralSecurityException {
        this.directory = directory;
        Instant now = Instant.now();
        Issued ca = issueCa(now);
        Issued server = issue(ca, "CN=embedded-kafka-broker", KeyPurposeId.id_kp_serverAuth, now);
        Issued client = issue(ca, "CN=embedded-kafka-client", KeyPurposeId.id_kp_clientAuth, now);

        caCertificatePemText = pem(ca.certificate());
        caCertificatePem = Files.writeString(directory.resolve("ca.pem"), caCertificatePemText);

        serverKeystorePassword = newPassword();
        serverKeystore = writeKeyStore(directory.resolve("server.keystore.p12"), server, ca, serverKeystorePassword);
        serverTruststorePassword = newPassword();
        serverTruststore = writeTrustStore(directory.resolve("server.truststore.p12"), ca, serverTruststorePassword);
        clientTruststorePassword = newPassword();
        clientTruststore = writeTrustStore(directory.resolve("client.truststore.p12"), ca, clientTruststorePassword);
        clientKeystorePassword = newPassword();
        clientKeystore = writeKeyStore(directory.resolve("client.keystore.p12"), client, ca, clientKeystorePassword);
    }

    /** Generates new material into {@code directory}, which must exist. */
    public static KafkaTlsFiles generate(Path directory) {
        try {
            return new KafkaTlsFiles(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write TLS files to " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate TLS material", e);
        }
    }

    /** The directory holding every file below. */
    public Path directory() {
        return directory;
    }

    /** The store type of every {@code .p12} file here: {@code PKCS12}. */
    public String storeType() {
        return "PKCS12";
    }

    public Path serverKeystore() {
        return serverKeystore;
    }

    /** The password of {@link #serverKeystore()}, also the password of the key in it. */
    public String serverKeystorePassword() {
        return serverKeystorePassword;
    }

    public Path serverTruststore() {
        return serverTruststore;
    }

    public String serverTruststorePassword() {
        return serverTruststorePassword;
    }

    public Path clientTruststore() {
        return clientTruststore;
    }

    public String clientTruststorePassword() {
        return clientTruststorePassword;
    }

    /** A PEM file with only the CA certificate; as a PEM trust store it takes no password. */
    public Path caCertificatePem() {
        return caCertificatePem;
    }

    /** The CA certificate in PEM, for {@code ssl.truststore.certificates} (the PEM given inline). */
    public String caCertificatePemText() {
        return caCertificatePemText;
    }

    public Path clientKeystore() {
        return clientKeystore;
    }

    /** The password of {@link #clientKeystore()}, also the password of the key in it. */
    public String clientKeystorePassword() {
        return clientKeystorePassword;
    }

    // ------------------------------------------------------------------------------------------------------------

    private record Issued(KeyPair keyPair, X509Certificate certificate) {
    }

    private static Issued issueCa(Instant now) throws GeneralSecurityException {
        KeyPair keyPair = newKeyPair();
        X500Name name = new X500Name("CN=embedded-kafka-test-ca");
        try {
            X509v3CertificateBuilder builder = builder(name, name, keyPair, now)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Issued(keyPair, sign(builder, keyPair));
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("Cannot build the CA certificate", e);
        }
    }

    private static Issued issue(Issued ca, String subject, KeyPurposeId purpose, Instant now)
            throws GeneralSecurityException {
        KeyPair keyPair = newKeyPair();
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        try {
            X509v3CertificateBuilder builder = builder(issuer, new X500Name(subject), keyPair, now)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, HOST_IP),
                        new GeneralName(GeneralName.dNSName, HOST_NAME),
                    }));
            return new Issued(keyPair, sign(builder, ca.keyPair()));
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("Cannot build the certificate " + subject, e);
        }
    }

    /** Valid from an hour ago (clock skew) for a day: longer than any test run. */
    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keyPair,
            Instant now) {
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keyPair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static Path writeKeyStore(Path file, Issued owner, Issued ca, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = emptyPkcs12();
        store.setKeyEntry("key", owner.keyPair().getPrivate(), password.toCharArray(),
                new Certificate[] {owner.certificate(), ca.certificate()});
        return write(store, file, password);
    }

    private static Path writeTrustStore(Path file, Issued ca, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = emptyPkcs12();
        store.setCertificateEntry("ca", ca.certificate());
        return write(store, file, password);
    }

    private static KeyStore emptyPkcs12() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static Path write(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }

    /** 24 random hex digits: nothing a JAAS or properties file would need to escape. */
    static String newPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
