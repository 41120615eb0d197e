package io.duratask.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What one durable commit costs on this disk right now: 4 KiB written, then {@code fsync}, repeated, p50
 * and p90, in two ways taken in turns: appended to a file (the file grows, so the file system also commits
 * its journal) and overwriting a file written out beforehand (what SQLite's commits do once its log is
 * written out; see the SQLite provider's documentation). Printed before and after a harness run, because
 * durable latencies move with it: a 10-activity chain needs 11 of them in a row.
 */
final class FsyncProbe {
    private static final int SAMPLES = 200;
    private static final int PAGE = 4096;

    private FsyncProbe() {}

    /** Measures in {@code dir} and returns a one-line summary. */
    static String measure(Path dir) throws IOException {
        Path appended = Files.createTempFile(dir, "fsync-probe-", ".bin");
        Path overwritten = Files.createTempFile(dir, "fsync-probe-", ".bin");
        double[] append = new double[SAMPLES];
        double[] overwrite = new double[SAMPLES];
        try (FileChannel a = FileChannel.open(appended, StandardOpenOption.WRITE);
             FileChannel o = FileChannel.open(overwritten, StandardOpenOption.WRITE)) {
            ByteBuffer page = ByteBuffer.allocate(PAGE);
            for (int i = 0; i < SAMPLES; i++) {
                write(o, page, (long) i * PAGE);
            }
            o.force(true);
            for (int i = 0; i < SAMPLES; i++) {
                append[i] = timedWriteAndSync(a, page, (long) i * PAGE);
                overwrite[i] = timedWriteAndSync(o, page, (long) i * PAGE);
            }
        } finally {
            Files.deleteIfExists(appended);
            Files.deleteIfExists(overwritten);
        }
        return String.format("fsync of a 4 KiB append: p50 %.3f ms, p90 %.3f ms; of a 4 KiB overwrite: p50 %.3f ms,"
                + " p90 %.3f ms (%d samples each in %s)", Stats.percentile(append, 50), Stats.percentile(append, 90),
                Stats.percentile(overwrite, 50), Stats.percentile(overwrite, 90), SAMPLES, dir.toAbsolutePath());
    }

    private static double timedWriteAndSync(FileChannel channel, ByteBuffer page, long at) throws IOException {
        long start = System.nanoTime();
        write(channel, page, at);
        channel.force(true);
        return (System.nanoTime() - start) / 1e6;
    }

    private static void write(FileChannel channel, ByteBuffer page, long at) throws IOException {
        page.clear();
        while (page.hasRemaining()) {
            channel.write(page, at + page.position());
        }
    }
}
