package io.github.o365auditcamel.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed RSA certificate and its key, made in the test (BouncyCastle): the simulator's HTTPS server
 * certificate, and the client certificates of an app registration. Written out the ways a user would mount them: one
 * PEM file with the certificate and its PKCS#8 key, or a PKCS#12 file.
 */
public record TestCertificate(KeyPair keyPair, X509Certificate certificate) {

    /**
     * A new self-signed certificate valid from an hour ago for a day.
     *
     * @param commonName the subject's CN
     * @param ipAddressesOrHostNames subject alternative names, for a server certificate ({@code 127.0.0.1},
     *        {@code localhost})
     */
    public static TestCertificate generate(String commonName, String... ipAddressesOrHostNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keyPair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, keyPair.getPublic());
            if (ipAddressesOrHostNames.length > 0) {
                List<GeneralName> names = new ArrayList<>();
                for (String name : ipAddressesOrHostNames) {
                    names.add(new GeneralName(Character.isDigit(name.charAt(0))
                            ? GeneralName.iPAddress : GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()));
            return new TestCertificate(keyPair, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (Exception e) {
            throw new IllegalStateException("could not generate a test certificate", e);
        }
    }

    /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}). */
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), as openssl 3 writes it. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
    }

    /** Writes the certificate and its key into one PEM file, the way a mounted Secret often holds them. */
    public Path writePem(Path file) throws IOException {
        Files.writeString(file, certificatePem() + privateKeyPem());
        return file;
    }

    /** Writes only the certificate (for a trust store of extra CAs). */
    public Path writeCertificatePem(Path file) throws IOException {
        Files.writeString(file, certificatePem());
        return file;
    }

    /** Writes the key and the certificate as a PKCS#12 file protected by the password. */
    public Path writePkcs12(Path file, char[] password) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("app", keyPair.getPrivate(), password, new Certificate[] {certificate});
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password);
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-1 thumbprint of the DER certificate, base64url without padding: the JWT {@code x5t} header. */
    public String x5t() {
        return thumbprint("SHA-1");
    }

    /** The SHA-256 thumbprint, base64url without padding: the JWT {@code x5t#S256} header. */
    public String x5tS256() {
        return thumbprint("SHA-256");
    }

    private String thumbprint(String algorithm) {
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(certificate.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
