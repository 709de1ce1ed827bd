package io.github.o365auditcamel.simulator;

/**
 * One invented person of a simulated tenant's directory, with the names and ids its audit records show: display
 * name, user principal name, Entra object id, PUID, Windows SID and mailbox GUID.
 */
record DirectoryPerson(String displayName, String upn, String objectId, String puid, String sid, String mailboxGuid) {
}
