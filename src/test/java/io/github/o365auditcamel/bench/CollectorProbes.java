package io.github.o365auditcamel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** What the benchmark reads of the collector's process: CPU time, peak RSS, threads, and its heap over time. */
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

    /** Polls the collector's Prometheus endpoint and keeps the largest sum of heap pools seen. */
    static final class HeapSampler {
        private final String url;
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        HeapSampler(String url) {
            this.url = url;
        }

        void start() {
            thread = new Thread(() -> {
                while (running) {
                    long sum = sample();
                    max.accumulateAndGet(sum, Math::max);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            long last = sample();
            max.accumulateAndGet(last, Math::max);
            running = false;
            thread.interrupt();
            thread.join(2000);
        }

        long maxBytes() {
            return max.get();
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
