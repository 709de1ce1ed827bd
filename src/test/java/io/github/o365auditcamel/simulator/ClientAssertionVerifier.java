package io.github.o365auditcamel.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code client_assertion} of the certificate credential flow (reference section 1.2) the way Microsoft
 * Entra ID does, against the certificates registered for one app in one tenant. Immutable and thread-safe.
 *
 * <p>The checks, in order, and what the token endpoint answers when one fails:
 * <ol>
 * <li>three base64url parts whose first two are JSON objects, else 400 {@code invalid_request} AADSTS50027 ("JWT
 *     token is invalid or malformed.");</li>
 * <li>header {@code alg} RS256 (thumbprint in {@code x5t#S256} or, failing that, {@code x5t}) or PS256 (thumbprint
 *     in {@code x5t#S256} only), the thumbprint in base64url or in standard base64 (which MSAL4J sends); another
 *     algorithm, no thumbprint, or a thumbprint that is no registered certificate's:
 *     401 {@code invalid_client} AADSTS700027 ("Client assertion failed signature validation.", with the reason);</li>
 * <li>the signature over {@code header.payload}, SHA256withRSA for RS256, RSASSA-PSS (SHA-256, MGF1 with SHA-256,
 *     salt 32 bytes) for PS256, with the certificate's public key; a bad one: 401 AADSTS700027;</li>
 * <li>{@code aud} (a string, or an array holding one) equal, ignoring case, to one of the token endpoint URLs the
 *     request was sent to, else 401 {@code invalid_client} AADSTS700023 ("Client assertion audience claim does not
 *     match Realm issuer.", the code Microsoft documents for a wrong audience of a client assertion; AADSTS700212 is
 *     the federated-credential one);</li>
 * <li>{@code iss} and {@code sub} both equal, ignoring case, to the app's client id, else 401 {@code invalid_client}
 *     AADSTS700021 ("Client assertion application identifier doesn't match 'client_id' parameter.", Microsoft's
 *     documented code for that; AADSTS700023 is the audience one);</li>
 * <li>{@code exp} a number of epoch seconds after now and {@code nbf}, when present, a number not more than
 *     {@link #MAX_NBF_AHEAD} after now, else 401 {@code invalid_client} AADSTS700024 ("Client assertion is not
 *     within its valid time range.");</li>
 * <li>a {@code jti} claim (a non-empty string), else 400 {@code invalid_request} AADSTS50027 (Entra's code for this
 *     is undocumented; the assertion is then malformed).</li>
 * </ol>
 * Not checked: {@code iat}, {@code typ}, {@code x5c}, a {@code jti} used twice, the certificates' own validity dates.
 */
final class ClientAssertionVerifier {

    /** The only {@code client_assertion_type} Entra accepts. */
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** How far in the future an assertion's {@code nbf} may lie (clock skew between client and service). */
    static final Duration MAX_NBF_AHEAD = Duration.ofMinutes(5);

    /** Why an assertion was refused: the token endpoint's answer (HTTP status, {@code error}, AADSTS code, text). */
    record Rejection(int status, String error, int code, String message) {
    }

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ObjectMapper mapper = new ObjectMapper();
    /** Unpadded base64url SHA-1 thumbprint (the {@code x5t} header) -> certificate. */
    private final Map<String, X509Certificate> bySha1 = new HashMap<>();
    /** Unpadded base64url SHA-256 thumbprint (the {@code x5t#S256} header) -> certificate. */
    private final Map<String, X509Certificate> bySha256 = new HashMap<>();

    ClientAssertionVerifier(Collection<X509Certificate> certificates) {
        for (X509Certificate certificate : certificates) {
            bySha1.put(thumbprint(certificate, "SHA-1"), certificate);
            bySha256.put(thumbprint(certificate, "SHA-256"), certificate);
        }
    }

    /** The base64url (unpadded) digest of the DER certificate: {@code x5t} (SHA-1) or {@code x5t#S256} (SHA-256). */
    static String thumbprint(X509Certificate certificate, String digestAlgorithm) {
        try {
            byte[] digest = MessageDigest.getInstance(digestAlgorithm).digest(certificate.getEncoded());
            return BASE64URL.encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot take the " + digestAlgorithm + " thumbprint of a certificate", e);
        }
    }

    /**
     * Verifies one assertion.
     *
     * @param assertion the {@code client_assertion} form value
     * @param clientId  the app's client id (the registered one)
     * @param audiences the token endpoint URLs the request may be said to have been sent to
     * @param now       the simulator's clock
     * @return null when the assertion is valid, else why not
     */
    Rejection verify(String assertion, String clientId, Collection<String> audiences, Instant now) {
        String[] parts = assertion.trim().split("\\.", -1);
        if (parts.length != 3 || parts[2].isEmpty()) {
            return malformed("The assertion is not a JWS in compact serialization (three base64url parts).");
        }
        JsonNode header = jsonObject(parts[0]);
        JsonNode claims = jsonObject(parts[1]);
        byte[] signature = base64url(parts[2]);
        if (header == null || claims == null || signature == null) {
            return malformed("A part of the assertion is not base64url-encoded JSON.");
        }

        // the key: named by a thumbprint of a registered certificate
        String alg = header.path("alg").asText("");
        String sha256 = normalizedThumbprint(header.get("x5t#S256"));
        String sha1 = normalizedThumbprint(header.get("x5t"));
        X509Certificate certificate;
        String used;
        if (alg.equals("RS256")) {
            certificate = sha256 != null ? bySha256.get(sha256) : sha1 != null ? bySha1.get(sha1) : null;
            used = sha256 != null ? sha256 : sha1;
        } else if (alg.equals("PS256")) {
            certificate = sha256 != null ? bySha256.get(sha256) : null;
            used = sha256;
        } else {
            return signatureFailure("The algorithm '" + alg + "' is not supported; use RS256 or PS256.");
        }
        if (used == null) {
            return signatureFailure("The key was not found. The assertion names no key: no "
                    + (alg.equals("PS256") ? "x5t#S256" : "x5t or x5t#S256") + " header.");
        }
        if (certificate == null) {
            return signatureFailure("The key was not found., Thumbprint of key used by client: '" + hex(used)
                    + "', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured "
                    + "keys for app Id '" + clientId + "'.");
        }
        if (!signatureValid(alg, certificate, parts[0] + "." + parts[1], signature)) {
            return signatureFailure("The signature is invalid.");
        }

        // the claims
        JsonNode aud = claims.get("aud");
        if (!audienceMatches(aud, audiences)) {
            return new Rejection(401, "invalid_client", 700023, "Client assertion audience claim does not match "
                    + "Realm issuer. Audience in the assertion: '" + (aud != null && aud.isTextual() ? aud.asText() : aud)
                    + "'; expected: '" + audiences.iterator().next() + "'.");
        }
        String iss = claims.path("iss").asText("");
        String sub = claims.path("sub").asText("");
        if (!iss.equalsIgnoreCase(clientId) || !sub.equalsIgnoreCase(clientId)) {
            return new Rejection(401, "invalid_client", 700021, "Client assertion application identifier doesn't "
                    + "match 'client_id' parameter. Review the documentation at "
                    + "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }
        JsonNode exp = claims.get("exp");
        JsonNode nbf = claims.get("nbf");
        boolean expValid = exp != null && exp.isNumber() && exp.asDouble() * 1000 > now.toEpochMilli();
        boolean nbfValid = nbf == null
                || nbf.isNumber() && nbf.asDouble() * 1000 <= now.plus(MAX_NBF_AHEAD).toEpochMilli();
        if (!expValid || !nbfValid) {
            return new Rejection(401, "invalid_client", 700024, "Client assertion is not within its valid time "
                    + "range. Current time: " + now + ", assertion valid from " + epochText(nbf)
                    + ", expiry time of assertion " + epochText(exp) + ".");
        }
        JsonNode jti = claims.get("jti");
        if (jti == null || !jti.isTextual() || jti.asText().isBlank()) {
            return malformed("The assertion has no 'jti' claim.");
        }
        return null;
    }

    /** A thumbprint as Entra prints it in its messages: upper-case hex of the digest (as sent, if not base64). */
    private static String hex(String thumbprint) {
        byte[] digest = thumbprintBytes(thumbprint);
        return digest == null ? thumbprint : HexFormat.of().withUpperCase().formatHex(digest);
    }

    private static Rejection malformed(String reason) {
        return new Rejection(400, "invalid_request", 50027, "JWT token is invalid or malformed. (" + reason + ")");
    }

    private static Rejection signatureFailure(String reason) {
        return new Rejection(401, "invalid_client", 700027,
                "Client assertion failed signature validation. (Reason - " + reason + ")");
    }

    /** The decoded JSON object of a base64url part, or null. */
    private JsonNode jsonObject(String part) {
        byte[] bytes = base64url(part);
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Decodes base64url with or without padding; null if it is not base64url (e.g. '+' or '/'). */
    private static byte[] base64url(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A thumbprint header re-encoded as unpadded base64url, or null when absent. Either base64 alphabet is accepted,
     * padded or not, as Entra does: MSAL4J (1.23) sends its thumbprints in standard base64 ({@code +}, {@code /},
     * {@code =}), the JWS specification says base64url.
     */
    private static String normalizedThumbprint(JsonNode value) {
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            return null;
        }
        byte[] digest = thumbprintBytes(value.asText());
        return digest == null ? value.asText() : BASE64URL.encodeToString(digest);
    }

    /** The digest a thumbprint header encodes, in base64url or standard base64; null if it is neither. */
    private static byte[] thumbprintBytes(String thumbprint) {
        byte[] digest = base64url(thumbprint);
        if (digest == null) {
            try {
                digest = Base64.getDecoder().decode(thumbprint);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return digest;
    }

    private static boolean signatureValid(String alg, X509Certificate certificate, String signingInput,
                                          byte[] signature) {
        try {
            Signature verifier;
            if (alg.equals("PS256")) {
                verifier = Signature.getInstance("RSASSA-PSS");
                verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            } else {
                verifier = Signature.getInstance("SHA256withRSA");
            }
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. a signature of the wrong length, or a key that is not RSA
        }
    }

    private static boolean audienceMatches(JsonNode aud, Collection<String> audiences) {
        List<JsonNode> values = new ArrayList<>();
        if (aud != null && aud.isArray()) {
            aud.forEach(values::add);
        } else if (aud != null) {
            values.add(aud);
        }
        for (JsonNode value : values) {
            if (!value.isTextual()) {
                continue;
            }
            for (String expected : audiences) {
                if (value.asText().equalsIgnoreCase(expected)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String epochText(JsonNode seconds) {
        if (seconds == null || !seconds.isNumber()) {
            return seconds == null ? "(none)" : "'" + seconds + "' (not a number)";
        }
        return Instant.ofEpochSecond(seconds.asLong()).toString();
    }
}
