package io.github.o365auditcamel.simulator;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** The settings of one tenant of a simulator, defaults filled in by the {@link SimulatorBuilder}. */
record TenantSettings(String tenantId, String tenantDomain, String clientId, String clientSecret,
                      List<X509Certificate> clientCertificates, List<String> contentTypes,
                      int blobsPerContentType, int recordsPerBlob, Duration backlog, long seed,
                      Faults faults) {
}
