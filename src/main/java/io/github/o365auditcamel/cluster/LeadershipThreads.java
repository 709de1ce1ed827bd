package io.github.o365auditcamel.cluster;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultThreadPoolFactory;

/**
 * Camel's thread pools as they are, but for one: camel-master gives each {@code master:} consumer a single-thread
 * scheduler of its own, {@code Leadership}, and leaves a no-op task repeating on it every 5 s once leadership is taken
 * (the task's future is never cancelled), so the thread stays for the consumer's life. Every tenant lists each content
 * type on a {@code master:} route: that was a thread per tenant and content type. Here all those schedulers share one
 * small pool; each consumer gets a view of it ({@link SharedSchedulerView}) whose shutdown ends only its own tasks.
 * The pool's threads end after a minute without work.
 */
public final class LeadershipThreads extends DefaultThreadPoolFactory {

    /** The name camel-master's {@code MasterConsumer} gives its scheduler. */
    static final String LEADERSHIP = "Leadership";

    private final int threads;
    private final long idleMillis;
    private ScheduledThreadPoolExecutor shared;

    public LeadershipThreads() {
        this(2, 60_000);
    }

    /**
     * @param threads the threads every {@code master:} consumer's leadership tasks share
     * @param idleMillis how long a thread stays without work
     */
    LeadershipThreads(int threads, long idleMillis) {
        this.threads = threads;
        this.idleMillis = idleMillis;
    }

    @Override
    public synchronized ScheduledExecutorService newScheduledThreadPool(ThreadPoolProfile profile,
            ThreadFactory threadFactory) {
        if (!LEADERSHIP.equals(profile.getId())) {
            return super.newScheduledThreadPool(profile, threadFactory);
        }
        if (shared == null) {
            // Camel's thread factory: daemon threads named "Camel (<context>) thread #N - Leadership"
            shared = new ScheduledThreadPoolExecutor(threads, threadFactory);
            shared.setRemoveOnCancelPolicy(true);
            shared.setKeepAliveTime(idleMillis, TimeUnit.MILLISECONDS);
            shared.allowCoreThreadTimeOut(true);
        }
        return new SharedSchedulerView(shared);
    }
}
