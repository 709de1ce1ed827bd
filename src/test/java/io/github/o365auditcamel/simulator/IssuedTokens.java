package io.github.o365auditcamel.simulator;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access tokens the token endpoint issued, of every tenant, by their text: what the API's bearer check looks up
 * (the simulator's tokens are validated by lookup only). Thread-safe.
 */
final class IssuedTokens {

    private final ConcurrentHashMap<String, IssuedToken> tokens = new ConcurrentHashMap<>();

    /** Keeps a new token; forgets the expired ones once more than 1000 are kept. */
    void issue(String accessToken, IssuedToken token, Instant now) {
        tokens.put(accessToken, token);
        if (tokens.size() > 1000) {
            long cutoff = now.toEpochMilli();
            tokens.values().removeIf(t -> t.expiresAtMillis() <= cutoff);
        }
    }

    /** The token with that text, or null (never issued, revoked, or forgotten after it expired). */
    IssuedToken get(String accessToken) {
        return tokens.get(accessToken);
    }

    /** The text of every token kept (issued and not revoked), for a test that looks for them where they must not be. */
    java.util.Set<String> accessTokens() {
        return java.util.Set.copyOf(tokens.keySet());
    }

    /** Revokes every tenant's tokens. */
    void revokeAll() {
        tokens.clear();
    }

    /** Revokes the tokens of one tenant. */
    void revoke(String tenantId) {
        tokens.values().removeIf(token -> token.tenant().equals(tenantId));
    }
}
