package io.github.o365auditcamel.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.github.o365auditcamel.simulator.RandomValues.uuid;

/**
 * The invented directory of one simulated tenant as its audit records show it: the tenant id, the domain names
 * ({@code fabrikam-sim.onmicrosoft.com}, {@code fabrikam-sim}, {@code fabrikam-sim.example}) and a fixed cast of
 * people (some with non-ASCII names) whose ids are drawn from the seeded {@link Random} given at construction. The
 * last person is the administrator.
 */
final class TenantDirectory {

    private static final String[][] PEOPLE = {
        {"Dana Ito", "dana.ito"}, {"Zoë Müller", "zoe.mueller"}, {"José Álvarez", "jose.alvarez"},
        {"Renée Dubois", "renee.dubois"}, {"Jürgen Groß", "juergen.gross"}, {"Łukasz Wójcik", "lukasz.wojcik"},
        {"Siobhán O'Brien", "siobhan.obrien"}, {"Ana Núñez", "ana.nunez"}, {"Björn Åkesson", "bjorn.akesson"},
        {"Chloé Lefèvre", "chloe.lefevre"}, {"François Côté", "francois.cote"}, {"Ömer Yıldız", "omer.yildiz"},
        {"Hana Nováková", "hana.novakova"}, {"Priya Raman", "priya.raman"}, {"Kwame Mensah", "kwame.mensah"},
        {"IT Admin", "it.admin"}};

    private final String tenantId;
    private final String orgName;       // fabrikam-sim.onmicrosoft.com
    private final String orgPrefix;     // fabrikam-sim
    private final String mailDomain;    // fabrikam-sim.example
    private final List<DirectoryPerson> people = new ArrayList<>();

    TenantDirectory(String tenantId, String tenantDomain, Random rnd) {
        this.tenantId = tenantId;
        this.orgName = tenantDomain;
        int dot = tenantDomain.indexOf('.');
        this.orgPrefix = dot > 0 ? tenantDomain.substring(0, dot) : tenantDomain;
        this.mailDomain = orgPrefix + ".example";
        for (String[] p : PEOPLE) {
            people.add(new DirectoryPerson(p[0], p[1] + "@" + mailDomain, uuid(rnd),
                    String.format(Locale.ROOT, "10032000%08X", rnd.nextInt() & 0x7fffffff),
                    "S-1-5-21-1111111111-2222222222-3333333333-" + (10000 + rnd.nextInt(90000)), uuid(rnd)));
        }
    }

    /** The tenant id (a GUID). */
    String tenantId() {
        return tenantId;
    }

    /** The tenant's domain, e.g. {@code fabrikam-sim.onmicrosoft.com}. */
    String orgName() {
        return orgName;
    }

    /** The tenant's domain up to its first dot, e.g. {@code fabrikam-sim} (SharePoint host names). */
    String orgPrefix() {
        return orgPrefix;
    }

    /** The domain of the people's addresses, e.g. {@code fabrikam-sim.example}. */
    String mailDomain() {
        return mailDomain;
    }

    /** A random person other than the administrator. */
    DirectoryPerson person(Random rnd) {
        return people.get(rnd.nextInt(people.size() - 1)); // the last one is the admin
    }

    /** The administrator (the last person). */
    DirectoryPerson admin() {
        return people.get(people.size() - 1);
    }
}
