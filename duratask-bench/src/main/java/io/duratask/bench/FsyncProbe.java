package io.duratask.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one durable commit costs on this disk right now: 4 KiB appended to a file, then {@code fsync} (what
 * SQLite does at each commit with {@code synchronous=FULL}), repeated, p50 and p90. Printed before and after a
 * harness run, because durable latencies move with it: a 10-activity chain needs 11 of them in a row.
 */
final class FsyncProbe {
    private static final int SAMPLES = 200;

    private FsyncProbe() {}

    /** Measures in {@code dir} and returns a one-line summary. */
    static String measure(Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe-", ".bin");
        double[] millis = new double[SAMPLES];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate(4096);
            for (int i = 0; i < SAMPLES; i++) {
                page.clear();
                long start = System.nanoTime();
                channel.write(page, (long) i * page.capacity());
                channel.force(true);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return String.format("fsync of a 4 KiB append: p50 %.3f ms, p90 %.3f ms (%d samples in %s)",
                Stats.percentile(millis, 50), Stats.percentile(millis, 90), SAMPLES, dir.toAbsolutePath());
    }
}
