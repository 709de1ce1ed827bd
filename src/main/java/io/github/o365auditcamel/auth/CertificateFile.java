package io.github.o365auditcamel.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app registration's certificate and private key, read from a file (a mounted Secret): PEM with the certificate
 * and an unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}, as openssl 3 and the Azure CLI write them), or PKCS#12
 * ({@code .pfx}/{@code .p12}) with its password. The first certificate is the app's; any others are its chain.
 */
public record CertificateFile(PrivateKey privateKey, List<X509Certificate> chain) {

    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    /**
     * Reads the file; PEM when it is text with PEM blocks, else PKCS#12.
     *
     * @throws IllegalArgumentException with a one-line reason that names no secret
     */
    public static CertificateFile load(Path file, char[] password) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        CertificateFile loaded = text.contains("-----BEGIN ") ? fromPem(text, file) : fromPkcs12(bytes, password, file);
        X509Certificate certificate = loaded.certificate();
        if (loaded.notAfter().isBefore(Instant.now())) {
            throw new IllegalArgumentException("the certificate in " + file + " (" + loaded.subject()
                    + ", thumbprint " + loaded.sha1Thumbprint() + ") expired on " + loaded.notAfter());
        }
        if (!"RSA".equals(loaded.privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("the key in " + file + " is " + loaded.privateKey.getAlgorithm()
                    + "; Entra ID client certificates need an RSA key");
        }
        if (loaded.privateKey instanceof java.security.interfaces.RSAPrivateCrtKey key
                && certificate.getPublicKey() instanceof java.security.interfaces.RSAPublicKey publicKey
                && !key.getModulus().equals(publicKey.getModulus())) {
            throw new IllegalArgumentException("the private key in " + file + " does not belong to its certificate ("
                    + loaded.subject() + ")");
        }
        return loaded;
    }

    /** The app's certificate (the first of the chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    public String subject() {
        return certificate().getSubjectX500Principal().getName();
    }

    /** The SHA-1 thumbprint in hex, as the Entra portal shows it under the app's certificates. */
    public String sha1Thumbprint() {
        try {
            return HexFormat.of().withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(certificate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    private static CertificateFile fromPem(String text, Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        Matcher block = PEM_BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            switch (type) {
                case "CERTIFICATE" -> chain.add(certificate(der(block, file), file));
                case "PRIVATE KEY" -> key = privateKey(der(block, file), file);
                case "RSA PRIVATE KEY" -> throw new IllegalArgumentException("the key in " + file + " is PKCS#1"
                        + " (BEGIN RSA PRIVATE KEY); convert it to PKCS#8 with"
                        + " 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem', or use a PKCS#12 file");
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the key in " + file
                        + " is encrypted; use a PKCS#12 file with its password, or an unencrypted PEM key in a"
                        + " Secret");
                default -> {
                    // other blocks (parameters, a CSR) are not ours to read
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no certificate (BEGIN CERTIFICATE)");
        }
        if (key == null) {
            throw new IllegalArgumentException(file
                    + " holds no private key (BEGIN PRIVATE KEY) next to the certificate");
        }
        return new CertificateFile(key, List.copyOf(chain));
    }

    private static byte[] der(Matcher block, Path file) {
        try {
            return Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " holds a " + block.group(1) + " block that is not base64");
        }
    }

    private static X509Certificate certificate(byte[] der, Path file) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds a certificate that cannot be read");
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8, Path file) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + " holds a private key that cannot be read (neither RSA nor EC)");
    }

    private static CertificateFile fromPkcs12(byte[] bytes, char[] password, Path file) {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    Certificate[] certificates = store.getCertificateChain(alias);
                    if (key == null || certificates == null || certificates.length == 0) {
                        continue;
                    }
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : certificates) {
                        chain.add((X509Certificate) c);
                    }
                    return new CertificateFile(key, List.copyOf(chain));
                }
            }
            throw new IllegalArgumentException(file + " holds no private key with its certificate");
        } catch (IOException e) {
            String why = e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("password")
                    ? "wrong password" : "not PEM and not PKCS#12";
            throw new IllegalArgumentException("cannot read " + file + ": " + why);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + file + " as PKCS#12: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        // never the key
        return "CertificateFile[" + subject() + ", thumbprint " + sha1Thumbprint() + "]";
    }
}
