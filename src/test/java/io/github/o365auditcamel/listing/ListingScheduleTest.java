package io.github.o365auditcamel.listing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.o365auditcamel.config.CollectorSettings;
import io.github.o365auditcamel.listing.ListingSchedule.Task;
import org.junit.jupiter.api.Test;

/**
 * The table of every tenant's due work: subscriptions first, then each content type once per poll interval, only on
 * the tenants this instance leads, never twice at once; a deferred listing waits for room, a stopped one for resume.
 */
class ListingScheduleTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final Set<String> led = new HashSet<>(Set.of("contoso", "fabrikam"));
    private final Set<String> full = new HashSet<>();
    private final AtomicInteger catchUps = new AtomicInteger();
    private final ListingSchedule schedule = new ListingSchedule(List.of(
            tenant("contoso", "11111111-1111-4111-8111-111111111111", "Audit.Exchange,DLP.All"),
            tenant("fabrikam", "22222222-2222-4222-8222-222222222222", "Audit.General")),
            led::contains, t -> !full.contains(t), catchUps::incrementAndGet, now::get, 10);

    @Test
    void subscriptionsStartFirstOnceThenEachContentTypeIsListedEveryPollInterval() {
        assertEquals(List.of(new Task("contoso", null), new Task("fabrikam", null)), schedule.takeDue());
        assertEquals(List.of(), schedule.takeDue(), "nothing else until the subscriptions are started");
        schedule.finished(new Task("contoso", null));
        List<Task> due = schedule.takeDue();
        assertEquals(List.of(new Task("contoso", "Audit.Exchange"), new Task("contoso", "DLP.All")), due);
        assertEquals(List.of(), schedule.takeDue(), "a running listing is not taken twice");

        now.addAndGet(30 * SECOND);
        schedule.finished(due.get(0));
        assertEquals(List.of(), schedule.takeDue(), "due a poll interval (60 s) after it started");
        now.addAndGet(30 * SECOND);
        assertEquals(List.of(new Task("contoso", "Audit.Exchange")), schedule.takeDue());

        // one that ran longer than its interval is due again at once
        now.addAndGet(90 * SECOND);
        schedule.finished(due.get(1));
        assertEquals(List.of(new Task("contoso", "DLP.All")), schedule.takeDue());
    }

    @Test
    void startsComeFirstInHalfTheRoomThenTheListingsLongestOverdueAndNoMoreAtOnceThanTheThreadsCanTake() {
        ListingSchedule two = new ListingSchedule(List.of(
                tenant("contoso", "11111111-1111-4111-8111-111111111111", "Audit.Exchange,DLP.All"),
                tenant("fabrikam", "22222222-2222-4222-8222-222222222222", "Audit.General")),
                t -> true, t -> true, () -> { }, now::get, 2);
        Task contosoStart = new Task("contoso", null);
        Task fabrikamStart = new Task("fabrikam", null);
        assertEquals(List.of(contosoStart), two.takeDue(), "starts in half the room");
        two.finished(contosoStart);
        assertEquals(List.of(fabrikamStart, new Task("contoso", "Audit.Exchange")), two.takeDue());
        assertEquals(List.of(), two.takeDue(), "two at a time");
        now.addAndGet(5 * SECOND);
        two.finished(fabrikamStart);
        // contoso's DLP.All has waited 5 s longer than fabrikam's Audit.General
        assertEquals(List.of(new Task("contoso", "DLP.All")), two.takeDue());
        two.finished(new Task("contoso", "Audit.Exchange"));
        assertEquals(List.of(new Task("fabrikam", "Audit.General")), two.takeDue());
    }

    @Test
    void onlyTheTenantsThisInstanceLeadsAreListedAndAFormerStandbyListsAtOnce() {
        startSubscriptions();
        led.remove("fabrikam");
        assertEquals(List.of(new Task("contoso", "Audit.Exchange"), new Task("contoso", "DLP.All")),
                schedule.takeDue());
        now.addAndGet(600 * SECOND);
        led.add("fabrikam");
        assertEquals(List.of(new Task("fabrikam", "Audit.General")), schedule.takeDue());
    }

    @Test
    void aDeferredListingWaitsForRoomWithoutAThreadAndAStoppedOneForResume() {
        startSubscriptions();
        List<Task> due = schedule.takeDue();
        schedule.deferred("contoso", "Audit.Exchange");
        schedule.finished(due.get(0));
        schedule.stop("contoso", "DLP.All");
        schedule.finished(due.get(1));
        schedule.finished(due.get(2));
        full.add("contoso");

        now.addAndGet(600 * SECOND);
        assertEquals(List.of(new Task("fabrikam", "Audit.General")), schedule.takeDue());
        assertTrue(catchUps.get() >= 1, "the state is read before room is looked for");
        full.remove("contoso");
        assertEquals(List.of(new Task("contoso", "Audit.Exchange")), schedule.takeDue());

        assertTrue(schedule.isStopped("contoso", "DLP.All"));
        assertEquals(List.of("contoso DLP.All"), schedule.getStoppedListings());
        assertEquals("contoso Audit.Exchange is not stopped", schedule.resumeListing("contoso", "Audit.Exchange"));
        assertEquals("contoso DLP.All resumed", schedule.resumeListing("contoso", "DLP.All"));
        assertEquals(List.of(new Task("contoso", "DLP.All")), schedule.takeDue());
    }

    @Test
    void aTaskThatCouldNotBeQueuedIsDueAgainAtOnceAndTheQueueHoldsEveryTaskThereCanBe() {
        Task start = schedule.takeDue().get(0);
        schedule.returned(start);
        assertEquals(List.of(start), schedule.takeDue());
        startSubscriptions();
        schedule.finished(start);
        List<Task> due = schedule.takeDue();
        schedule.returned(due.get(0));
        assertEquals(List.of(due.get(0)), schedule.takeDue());
    }

    @Test
    void aTenantRemovedWhileItsListingRunsIsDueNoMoreAndOneAddedStartsItsSubscriptionsFirst() {
        startSubscriptions();
        List<Task> due = schedule.takeDue();
        assertEquals(3, due.size());
        schedule.remove("contoso");
        assertTrue(!schedule.lists("contoso"));
        now.addAndGet(120 * SECOND);
        // contoso's running listings finish (one deferred, one stopped by a fatal answer): nothing of it is due again
        schedule.deferred("contoso", "Audit.Exchange");
        schedule.stop("contoso", "DLP.All");
        schedule.finished(due.get(0));
        schedule.finished(due.get(1));
        schedule.finished(due.get(2));
        assertEquals(List.of(new Task("fabrikam", "Audit.General")), schedule.takeDue());
        assertEquals(List.of(), schedule.getStoppedListings());

        // back, with another content type: its subscriptions start first, then it is listed
        schedule.add(tenant("contoso", "11111111-1111-4111-8111-111111111111", "Audit.SharePoint"));
        Task start = new Task("contoso", null);
        assertEquals(List.of(start), schedule.takeDue());
        schedule.finished(start);
        assertEquals(List.of(new Task("contoso", "Audit.SharePoint")), schedule.takeDue());
    }

    @Test
    void aTenantReplacedWhileItsTasksRunIsNotTouchedWhenTheOldOnesFinish() {
        List<Task> starts = schedule.takeDue();
        // contoso's settings change while its subscription start runs
        schedule.add(tenant("contoso", "11111111-1111-4111-8111-111111111111", "Audit.Exchange"));
        schedule.finished(starts.get(0));
        assertEquals(List.of(new Task("contoso", null)), schedule.takeDue(), "the new contoso starts its own");
        schedule.finished(new Task("contoso", null));
        schedule.finished(starts.get(1));
        assertEquals(Set.of(new Task("contoso", "Audit.Exchange"), new Task("fabrikam", "Audit.General")),
                Set.copyOf(schedule.takeDue()));
    }

    private void startSubscriptions() {
        for (Task start : schedule.takeDue()) {
            schedule.finished(start);
        }
    }

    private static CollectorSettings tenant(String name, String tenantId, String contentTypes) {
        Map<String, String> settings = new HashMap<>();
        settings.put("o365.tenants", "contoso,fabrikam");
        settings.put("o365.tenant.contoso.tenant-id", "11111111-1111-4111-8111-111111111111");
        settings.put("o365.tenant.fabrikam.tenant-id", "22222222-2222-4222-8222-222222222222");
        settings.put("o365.client-id", "33333333-3333-4333-8333-333333333333");
        settings.put("o365.client-secret", "secret");
        settings.put("o365.tenant." + name + ".content-types", contentTypes);
        settings.put("o365.poll-interval", "60s");
        settings.put("kafka.brokers", "localhost:9092");
        return CollectorSettings.allFrom(settings::get).stream().filter(t -> t.tenantId().equals(tenantId))
                .findFirst().orElseThrow();
    }
}
