package io.github.o365auditcamel.tenancy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.config.InvalidSettingException;
import io.github.o365auditcamel.progress.FailureReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tenants file again (route {@code reload-tenants}, every few seconds) and applies what changed, without a
 * restart and without touching the other tenants: a tenant added is collected, one removed is not any more, one whose
 * settings changed (a new secret, other content types) is replaced. A file that is not valid changes nothing: one line
 * says why, and the tenants of before go on. Bound as {@code tenantsReload}.
 */
public class TenantsReload {

    private static final Logger LOG = LoggerFactory.getLogger("o365.tenants");

    private final TenantsFile file;
    private final Function<String, String> lookup;
    private final Consumer<CollectorSettings> ensureTopics;
    private final TenantLifecycle lifecycle;
    /** the file's values as last read, applied or not */
    private Map<String, String> lastRead;
    /** each tenant collected, by name: its own settings' values, to see what changed */
    private final Map<String, Map<String, String>> applied = new LinkedHashMap<>();
    private long failedReloads;

    /**
     * @param file the tenants file, or null when there is none (nothing is reloaded)
     * @param lookup every other setting, as at startup
     * @param ensureTopics creates the record topics of a tenant, or throws saying why it cannot
     * @param initial the tenants collected since startup, read from the file
     */
    public TenantsReload(TenantsFile file, Function<String, String> lookup, Consumer<CollectorSettings> ensureTopics,
            TenantLifecycle lifecycle, Map<String, String> initial, List<CollectorSettings> initialTenants) {
        this.file = file;
        this.lookup = lookup;
        this.ensureTopics = ensureTopics;
        this.lifecycle = lifecycle;
        this.lastRead = initial;
        if (file != null) {
            Function<String, String> values = TenantsFile.over(lookup, initial);
            initialTenants.forEach(t -> applied.put(t.tenantName(), ownValues(values, t.tenantName())));
        }
    }

    /** Reads the file and applies it when it changed; nothing without a tenants file. */
    public synchronized void check() {
        if (file == null) {
            return;
        }
        Map<String, String> values = null;
        Function<String, String> settings;
        List<CollectorSettings> next;
        try {
            values = file.read();
            if (values.equals(lastRead)) {
                return;
            }
            lastRead = values;
            settings = TenantsFile.over(lookup, values);
            next = CollectorSettings.allFrom(settings);
        } catch (InvalidSettingException e) {
            failedReloads++;
            LOG.error("Tenants file not applied, the {} tenant(s) of before go on: {}", applied.size(),
                    (values == null ? e : file.inFile(e, values)).getMessage());
            return;
        }
        apply(next, settings);
    }

    private void apply(List<CollectorSettings> next, Function<String, String> values) {
        Map<String, CollectorSettings> wanted = new LinkedHashMap<>();
        next.forEach(t -> wanted.put(t.tenantName(), t));
        List<String> removed = new ArrayList<>();
        for (String name : List.copyOf(applied.keySet())) {
            if (!wanted.containsKey(name)) {
                lifecycle.remove(name);
                applied.remove(name);
                removed.add(name);
            }
        }
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (CollectorSettings tenant : wanted.values()) {
            String name = tenant.tenantName();
            Map<String, String> own = ownValues(values, name);
            Map<String, String> before = applied.get(name);
            if (own.equals(before)) {
                continue;
            }
            try {
                ensureTopics.accept(tenant);
                lifecycle.add(tenant);
                applied.put(name, own);
                (before == null ? added : changed).add(name);
            } catch (RuntimeException e) {
                failed.add(name);
                LOG.error("Tenant {} not added: {}; tried again at the next read of the tenants file", name,
                        FailureReason.of(e));
            }
        }
        if (!failed.isEmpty()) {
            // read again, and tried again, at the next check
            lastRead = null;
        }
        if (!added.isEmpty() || !removed.isEmpty() || !changed.isEmpty()) {
            LOG.info("Tenants file applied: {} tenant(s) now{}{}{}", applied.size(), describe("added", added),
                    describe("removed (their state is kept)", removed), describe("changed", changed));
        }
    }

    /**
     * The values of a tenant's settings, its own or else the shared ones: a change to any of them replaces the tenant
     * (a shared secret rotated in the file replaces every tenant that uses it).
     */
    private static Map<String, String> ownValues(Function<String, String> values, String name) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String setting : CollectorSettings.TENANT_SETTINGS) {
            String value = values.apply(CollectorSettings.tenantKey(name, setting));
            if (value == null || value.isBlank()) {
                value = values.apply(setting);
            }
            own.put(setting, Objects.requireNonNullElse(value, ""));
        }
        return own;
    }

    private static String describe(String what, List<String> names) {
        return names.isEmpty() ? "" : "; " + what + ": " + String.join(", ", names);
    }

    /** Reads of the tenants file that were not applied because it was not valid, since startup. */
    public synchronized long failedReloads() {
        return failedReloads;
    }
}
