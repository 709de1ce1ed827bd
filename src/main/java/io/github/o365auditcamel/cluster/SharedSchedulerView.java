package io.github.o365auditcamel.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One user's part of a scheduler shared by many: it schedules on the shared scheduler and remembers what it scheduled,
 * so that shutting it down cancels its own tasks and leaves the shared scheduler, and everyone else's tasks, running.
 */
final class SharedSchedulerView extends AbstractExecutorService implements ScheduledExecutorService {

    private final ScheduledExecutorService shared;
    private final Set<ScheduledFuture<?>> tasks = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    SharedSchedulerView(ScheduledExecutorService shared) {
        this.shared = shared;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        refuseWhenShutDown();
        return track(shared.schedule(command, delay, unit));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        refuseWhenShutDown();
        return track(shared.schedule(callable, delay, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        refuseWhenShutDown();
        return track(shared.scheduleAtFixedRate(command, initialDelay, period, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        refuseWhenShutDown();
        return track(shared.scheduleWithFixedDelay(command, initialDelay, delay, unit));
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    private <F extends ScheduledFuture<?>> F track(F future) {
        tasks.removeIf(ScheduledFuture::isDone);
        tasks.add(future);
        if (shutdown) {
            // shut down while it was being scheduled: it does not run
            future.cancel(false);
        }
        return future;
    }

    private void refuseWhenShutDown() {
        if (shutdown) {
            throw new RejectedExecutionException("this part of the shared scheduler is shut down");
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        tasks.forEach(task -> task.cancel(false));
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        tasks.forEach(task -> task.cancel(true));
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && tasks.stream().allMatch(ScheduledFuture::isDone);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!isTerminated()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
