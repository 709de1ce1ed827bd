package io.github.o365auditcamel.simulator;

/** An access token the token endpoint issued: the tenant it was issued to and when it expires (epoch milliseconds). */
record IssuedToken(String tenant, long expiresAtMillis) {
}
