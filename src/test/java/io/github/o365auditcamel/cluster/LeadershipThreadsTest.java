package io.github.o365auditcamel.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.spi.ThreadPoolProfile;
import org.junit.jupiter.api.Test;

/**
 * camel-master's leadership schedulers, one per {@code master:} route, share a few threads; each route's part stops
 * its own tasks (camel-master's never-cancelled repeating one included) and nobody else's; Camel's other scheduled
 * pools are left as Camel makes them.
 */
class LeadershipThreadsTest {

    private final LeadershipThreads pools = new LeadershipThreads(2, 300);

    @Test
    void everyRoutesLeadershipTasksShareTwoThreads() throws Exception {
        Set<Thread> threads = ConcurrentThreads.collect(pools, 50);
        assertTrue(threads.size() <= 2, "50 routes' leadership tasks ran on " + threads.size() + " threads");
    }

    @Test
    void shuttingDownOneRoutesSchedulerEndsItsRepeatingTaskAndNobodyElses() throws Exception {
        ScheduledExecutorService first = leadership();
        ScheduledExecutorService second = leadership();
        AtomicInteger firstRuns = new AtomicInteger();
        CountDownLatch secondRuns = new CountDownLatch(3);
        // as camel-master leaves it: repeating every few milliseconds here, never cancelled by its owner
        first.scheduleWithFixedDelay(firstRuns::incrementAndGet, 0, 20, TimeUnit.MILLISECONDS);
        second.scheduleWithFixedDelay(secondRuns::countDown, 0, 20, TimeUnit.MILLISECONDS);

        first.shutdown();
        int runs = firstRuns.get();
        assertTrue(first.awaitTermination(2, TimeUnit.SECONDS));
        Thread.sleep(200);
        assertTrue(firstRuns.get() <= runs + 1, "the stopped route's task no longer runs");
        assertTrue(secondRuns.await(2, TimeUnit.SECONDS), "the other route's task goes on");
        assertThrows(RejectedExecutionException.class, () -> first.schedule(() -> { }, 0, TimeUnit.SECONDS));
        second.shutdownNow();
    }

    @Test
    void otherScheduledPoolsAreCamelsOwn() {
        ScheduledExecutorService other = pools.newScheduledThreadPool(profile("RouteController"),
                Executors.defaultThreadFactory());
        try {
            assertNotSame(SharedSchedulerView.class, other.getClass());
            assertEquals(List.of(), other.shutdownNow());
            assertTrue(other.isShutdown());
        } finally {
            other.shutdownNow();
        }
    }

    private ScheduledExecutorService leadership() {
        return pools.newScheduledThreadPool(profile(LeadershipThreads.LEADERSHIP), Executors.defaultThreadFactory());
    }

    static ThreadPoolProfile profile(String id) {
        // as Camel's executor service manager makes it for newSingleThreadScheduledExecutor(source, id)
        ThreadPoolProfile profile = new ThreadPoolProfile(id);
        profile.setPoolSize(1);
        profile.setMaxPoolSize(1);
        profile.setKeepAliveTime(0L);
        profile.setAllowCoreThreadTimeOut(false);
        profile.setMaxQueueSize(1000);
        return profile;
    }

    /** Runs one task on each of many routes' leadership schedulers at once, and says on which threads they ran. */
    private static final class ConcurrentThreads {
        static Set<Thread> collect(LeadershipThreads pools, int routes) throws InterruptedException {
            Set<Thread> threads = java.util.Collections.synchronizedSet(new HashSet<>());
            CountDownLatch done = new CountDownLatch(routes);
            for (int i = 0; i < routes; i++) {
                ScheduledExecutorService route = pools.newScheduledThreadPool(profile(LeadershipThreads.LEADERSHIP),
                        Executors.defaultThreadFactory());
                route.schedule(() -> {
                    threads.add(Thread.currentThread());
                    done.countDown();
                }, 1, TimeUnit.MILLISECONDS);
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            return threads;
        }
    }
}
