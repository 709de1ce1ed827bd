package io.github.o365auditcamel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** What the benchmark reads of the collector's process: CPU time, peak RSS, threads, and heap and threads over time. */
final class CollectorProbes {

    private CollectorProbes() {
    }

    static double cpuSeconds(Process process) {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the comm field: state is f[0], utime field 14 is f[11], stime field 15 is f[12]
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks / (double) clockTicks();
        } catch (IOException | RuntimeException e) {
            return process.info().totalCpuDuration().map(d -> d.toMillis() / 1000.0).orElse(-1.0);
        }
    }

    /**
     * The process's CPU seconds by what spent them: the JIT compiler's threads, the garbage collector's, and the rest
     * (the collector's own work: Camel, Kafka clients, HTTP). From {@code /proc/<pid>/task/*}: {@code comm} names a
     * thread (its first 15 characters), {@code stat} its CPU; threads that have ended count as work.
     */
    static CpuSplit cpuSplit(Process process) {
        double total = cpuSeconds(process);
        double jit = 0;
        double gc = 0;
        double ticks = clockTicks();
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticks;
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        jit += seconds;
                    } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        gc += seconds;
                    }
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while listed
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            return new CpuSplit(total, 0, 0);
        }
        return new CpuSplit(total, jit, gc);
    }

    /** CPU seconds of a process: in all, of its JIT compiler threads, and of its garbage collector threads. */
    record CpuSplit(double totalS, double jitS, double gcS) {

        /** The collector's own work: neither compiling nor collecting garbage. */
        double workS() {
            return totalS - jitS - gcS;
        }

        CpuSplit minus(CpuSplit earlier) {
            return new CpuSplit(totalS - earlier.totalS, jitS - earlier.jitS, gcS - earlier.gcS);
        }
    }

    static double peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return -1;
    }

    /** Threads of a process now ({@code /proc/<pid>/status}). */
    static int threadCount(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux
        }
        return -1;
    }

    /**
     * Every 500 ms, the collector's heap in use (one JSON attribute, {@code url}) and its threads
     * ({@link #threadCount}); keeps the largest of each seen.
     */
    static final class Sampler {
        private final String url;
        private final long pid;
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong maxThreads = new AtomicLong(-1);
        private volatile boolean running = true;
        private Thread thread;

        Sampler(String url, long pid) {
            this.url = url;
            this.pid = pid;
        }

        void start() {
            thread = new Thread(() -> {
                while (running) {
                    maxThreads.accumulateAndGet(threadCount(pid), Math::max);
                    long sum = sample();
                    max.accumulateAndGet(sum, Math::max);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            maxThreads.accumulateAndGet(threadCount(pid), Math::max);
            long last = sample();
            max.accumulateAndGet(last, Math::max);
            running = false;
            thread.interrupt();
            thread.join(2000);
        }

        long maxBytes() {
            return max.get();
        }

        /** The most threads the process had at a sample; -1 if none could be read. */
        int maxThreads() {
            return (int) maxThreads.get();
        }

        private long sample() {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(400);
                c.setReadTimeout(2000);
                if (c.getResponseCode() != 200) {
                    return 0;
                }
                String body;
                try (InputStream in = c.getInputStream()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                java.util.regex.Matcher value = java.util.regex.Pattern.compile("\"value\":(\\d+)").matcher(body);
                return value.find() ? Long.parseLong(value.group(1)) : 0;
            } catch (IOException | RuntimeException notYet) {
                return 0; // not started yet, or stopping
            }
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(s);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 100;
        }
    }
}
