package io.duratask.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the journal at open, for recovery: every whole record of every segment, oldest first.
 *
 * <p><b>End and torn tail.</b> A segment ends where only zeros follow (segments are preallocated). The
 * leader writes a synced record, syncs it, and only then answers its callers and writes the next record.
 * So a damaged record followed by no valid <em>synced</em> record is a write that never finished or was
 * never synced: it was not acknowledged as durable, and it is discarded together with anything after it
 * (reported in {@link Result#tornTail()}). A damaged record followed by a valid synced one was made
 * durable by that later sync and acknowledged before something damaged it; so was one in a segment other
 * than the newest (a segment is synced before the next starts). Then the journal is refused with a
 * {@link CorruptFileException} naming the file and offset, because redoing the records after it without it
 * could break the store.
 */
final class JournalReader {

    /**
     * @param records every whole record, oldest first
     * @param segments the segment files read
     * @param lastGeneration the newest segment's generation (0 if there was none)
     * @param tornTail the discarded torn record at the end, or null
     */
    record Result(List<JournalRecord> records, List<Path> segments, long lastGeneration, FsProblem tornTail) {}

    private JournalReader() {}

    static Result read(Path dir) throws IOException {
        List<Path> segments = Journal.segments(dir);
        List<JournalRecord> records = new ArrayList<>();
        FsProblem torn = null;
        long lastSeq = Long.MIN_VALUE;
        for (int i = 0; i < segments.size(); i++) {
            Path segment = segments.get(i);
            boolean newest = i == segments.size() - 1;
            byte[] bytes = Io.uninterruptibly(() -> readAll(segment));
            int at = Journal.MAGIC.length;
            if (bytes.length < Journal.MAGIC.length) {
                if (!newest) {
                    throw new CorruptFileException(segment, 0, "the journal segment has only " + bytes.length
                            + " bytes, not even its header, and newer segments follow it");
                }
                torn = new FsProblem(null, segment, 0, "discarded a journal segment whose header was never completely"
                        + " written (" + bytes.length + " bytes); it held no record", false);
                break;
            }
            if (!Arrays.equals(bytes, 0, Journal.MAGIC.length, Journal.MAGIC, 0, Journal.MAGIC.length)) {
                throw new CorruptFileException(segment, 0, "not a Duratask journal segment (bad header)");
            }
            while (at < bytes.length) {
                Frames.Read r = Frames.read(bytes, at, bytes.length);
                String bad = r.ok() ? null : r.bad().reason();
                JournalRecord record = null;
                if (r.ok()) {
                    try {
                        record = JournalRecord.decode(r.payload());
                        if (record.seq() <= lastSeq) {
                            bad = "record sequence number " + record.seq() + " does not follow " + lastSeq;
                        }
                    } catch (IllegalArgumentException e) {
                        bad = "undecodable record: " + e.getMessage();
                    }
                }
                if (bad == null) {
                    records.add(record);
                    lastSeq = record.seq();
                    at += Frames.HEADER + r.payload().length;
                    continue;
                }
                if (allZero(bytes, at)) {
                    break; // the preallocated rest of the segment
                }
                if (!newest) {
                    throw new CorruptFileException(segment, at, bad + "; newer journal segments follow, so this record"
                            + " was acknowledged and cannot be discarded. Restore the file, or move the journal away"
                            + " (losing the commits it holds) to open the store");
                }
                long later = syncedRecordAfter(bytes, at + 1, lastSeq);
                if (later >= 0) {
                    throw new CorruptFileException(segment, at, bad + "; a valid synced record follows at byte offset "
                            + later + ", so this one was acknowledged and cannot be discarded. Restore the file, or move"
                            + " the journal away (losing the commits it holds) to open the store");
                }
                torn = new FsProblem(null, segment, at, "discarded a torn record at the end of the journal ("
                        + nonZeroLength(bytes, at) + " bytes: " + bad + "); it was never acknowledged as durable",
                        false);
                break;
            }
        }
        long lastGeneration = segments.isEmpty() ? 0 : Journal.generationOf(segments.getLast());
        return new Result(List.copyOf(records), List.copyOf(segments), lastGeneration, torn);
    }

    private static boolean allZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Bytes from {@code from} to the last non-zero byte. */
    private static int nonZeroLength(byte[] bytes, int from) {
        int end = bytes.length;
        while (end > from && bytes[end - 1] == 0) {
            end--;
        }
        return end - from;
    }

    /**
     * The offset of a whole, decodable, synced record with a sequence number above {@code lastSeq} at or after
     * {@code from}, or -1.
     */
    private static long syncedRecordAfter(byte[] bytes, int from, long lastSeq) {
        for (int at = from; at + Frames.HEADER < bytes.length; at++) {
            Frames.Read r = Frames.read(bytes, at, bytes.length);
            if (r.ok()) {
                try {
                    JournalRecord record = JournalRecord.decode(r.payload());
                    if (record.synced() && record.seq() > lastSeq) {
                        return at;
                    }
                } catch (IllegalArgumentException e) {
                    // not a record: keep looking
                }
            }
        }
        return -1;
    }

    private static byte[] readAll(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("journal segment " + file + " is too large to read (" + size + " bytes)");
            }
            byte[] bytes = new byte[(int) size];
            Frames.readFully(ch, ByteBuffer.wrap(bytes), 0);
            return bytes;
        }
    }
}
