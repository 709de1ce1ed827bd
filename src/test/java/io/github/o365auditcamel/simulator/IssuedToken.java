package io.github.o365auditcamel.simulator;

import java.util.List;

/**
 * An access token the token endpoint issued: the tenant it was issued to, when it expires (epoch milliseconds), its
 * audience ({@code aud}: the Management API's cloud resource or {@link GraphRouter#GRAPH_RESOURCE}) and its
 * application roles ({@code roles}).
 */
record IssuedToken(String tenant, long expiresAtMillis, String audience, List<String> roles) {

    IssuedToken {
        roles = List.copyOf(roles);
    }
}
