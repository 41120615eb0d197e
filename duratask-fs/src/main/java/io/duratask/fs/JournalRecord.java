package io.duratask.fs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One journal record: every file operation of one group commit (one or more turns, completions and client
 * operations), in the order they must be applied. A record is written as one frame (see {@link Frames}),
 * so it is on disk whole or, after a torn write, detectably not at all.
 *
 * <p>Binary form: version byte (1), {@code synced} (byte 0 or 1), sequence number (long), operation count
 * (int), then per operation a
 * kind byte, the path (modified UTF-8) and, for {@code Put}, the content (int length + bytes); for
 * {@code Append}, the offset (long) and the bytes (int length + bytes).
 *
 * @param seq increases by one per record within a run of the provider
 * @param synced whether the journal was synced right after this record (before its writers were answered);
 *     records that were not (activity completions, see {@link FsOptions#syncActivityCompletions()}) may be
 *     lost in a power failure, and recovery must tell a torn unsynced record from a damaged synced one
 */
record JournalRecord(long seq, boolean synced, List<FileOp> ops) {
    private static final byte VERSION = 1;
    private static final byte PUT = 1;
    private static final byte APPEND = 2;
    private static final byte DELETE = 3;
    private static final byte DELETE_TREE = 4;

    JournalRecord {
        ops = List.copyOf(ops);
    }

    byte[] encode() {
        int size = 16;
        for (FileOp op : ops) {
            size += 16 + op.path().length() + switch (op) {
                case FileOp.Put p -> p.bytes().length;
                case FileOp.Append a -> a.bytes().length;
                case FileOp.Delete d -> 0;
                case FileOp.DeleteTree t -> 0;
            };
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(synced ? 1 : 0);
            out.writeLong(seq);
            out.writeInt(ops.size());
            for (FileOp op : ops) {
                switch (op) {
                    case FileOp.Put p -> {
                        out.writeByte(PUT);
                        out.writeUTF(p.path());
                        out.writeInt(p.bytes().length);
                        out.write(p.bytes());
                    }
                    case FileOp.Append a -> {
                        out.writeByte(APPEND);
                        out.writeUTF(a.path());
                        out.writeLong(a.offset());
                        out.writeInt(a.bytes().length);
                        out.write(a.bytes());
                    }
                    case FileOp.Delete d -> {
                        out.writeByte(DELETE);
                        out.writeUTF(d.path());
                    }
                    case FileOp.DeleteTree t -> {
                        out.writeByte(DELETE_TREE);
                        out.writeUTF(t.path());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not thrown by a ByteArrayOutputStream
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a record's payload (whose checksum was verified).
     *
     * @throws IllegalArgumentException naming what is wrong if the payload is not a record this code writes
     */
    static JournalRecord decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("journal record version " + version + " is unknown (this code"
                        + " writes version " + VERSION + ")");
            }
            byte synced = in.readByte();
            if (synced != 0 && synced != 1) {
                throw new IllegalArgumentException("invalid synced flag " + synced);
            }
            long seq = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > payload.length) {
                throw new IllegalArgumentException("invalid operation count " + count);
            }
            List<FileOp> ops = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte kind = in.readByte();
                String path = checkedPath(in.readUTF());
                ops.add(switch (kind) {
                    case PUT -> new FileOp.Put(path, readBytes(in, payload.length));
                    case APPEND -> {
                        long offset = in.readLong();
                        if (offset < 0) {
                            throw new IllegalArgumentException("negative append offset " + offset + " for " + path);
                        }
                        yield new FileOp.Append(path, offset, readBytes(in, payload.length));
                    }
                    case DELETE -> new FileOp.Delete(path);
                    case DELETE_TREE -> new FileOp.DeleteTree(path);
                    default -> throw new IllegalArgumentException("unknown operation kind " + kind + " for " + path);
                });
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException(in.available() + " unexpected byte(s) after the last operation");
            }
            return new JournalRecord(seq, synced == 1, ops);
        } catch (IOException e) {
            throw new IllegalArgumentException("the record ends early: " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IllegalArgumentException("invalid content length " + n);
        }
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new IllegalArgumentException("content of " + n + " bytes ends after " + bytes.length);
        }
        return bytes;
    }

    /** Paths stay inside the store: relative, below {@code instances/}, no {@code .} or {@code ..} parts. */
    static String checkedPath(String path) {
        if (!path.startsWith(Layout.INSTANCES_DIR + "/") || path.contains("\\")) {
            throw new IllegalArgumentException("path '" + path + "' is not inside " + Layout.INSTANCES_DIR + "/");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("path '" + path + "' has an empty, '.' or '..' part");
            }
        }
        return path;
    }
}
