package io.duratask.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The framing of every record in every file of the store: a 4-byte big-endian payload length, the
 * 4-byte CRC32C of the payload, then the payload. A torn write, a zero-filled block or a flipped bit
 * fails the length or the checksum, so a reader always knows whether a record is whole.
 *
 * <p>A length of 0 is never written (a zero-filled region would otherwise read as valid empty frames),
 * and lengths above {@link #MAX_PAYLOAD} are rejected as corrupt.
 */
final class Frames {
    /** Bytes before the payload. */
    static final int HEADER = 8;
    /** The largest payload a frame may hold (256 MiB). */
    static final int MAX_PAYLOAD = 256 << 20;

    private Frames() {}

    /** One frame around {@code payload}. */
    static byte[] frame(byte[] payload) {
        byte[] out = new byte[HEADER + payload.length];
        write(payload, out, 0);
        return out;
    }

    /** Writes the frame of {@code payload} into {@code out} at {@code at}; returns the offset after it. */
    static int write(byte[] payload, byte[] out, int at) {
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a frame payload must hold 1 to " + MAX_PAYLOAD + " bytes, not "
                    + payload.length);
        }
        ByteBuffer.wrap(out, at, HEADER).putInt(payload.length).putInt(crc(payload, 0, payload.length));
        System.arraycopy(payload, 0, out, at + HEADER, payload.length);
        return at + HEADER + payload.length;
    }

    static int crc(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /**
     * A frame that could not be read. {@code offset} is where its header starts; {@code truncated} tells
     * that the file ends inside it (a torn write at the end of a file looks like this).
     */
    record Bad(long offset, String reason, boolean truncated) {}

    /** The outcome of reading one frame: its payload, or why it is bad. */
    record Read(byte[] payload, Bad bad) {
        boolean ok() {
            return bad == null;
        }
    }

    /** Reads the frame whose header starts at {@code offset} of an in-memory file image. */
    static Read read(byte[] file, int offset, int end) {
        if (end - offset < HEADER) {
            return new Read(null, new Bad(offset, "the file ends " + (end - offset)
                    + " byte(s) into a frame header (torn write)", true));
        }
        ByteBuffer header = ByteBuffer.wrap(file, offset, HEADER);
        int length = header.getInt();
        int crc = header.getInt();
        if (length <= 0 || length > MAX_PAYLOAD) {
            return new Read(null, new Bad(offset, "invalid frame length " + length, false));
        }
        if (end - offset - HEADER < length) {
            return new Read(null, new Bad(offset, "the frame declares " + length + " payload bytes but only "
                    + (end - offset - HEADER) + " follow (a torn write, or a damaged length)", true));
        }
        if (crc(file, offset + HEADER, length) != crc) {
            return new Read(null, new Bad(offset, "checksum mismatch in a frame of " + length + " bytes", false));
        }
        byte[] payload = new byte[length];
        System.arraycopy(file, offset + HEADER, payload, 0, length);
        return new Read(payload, null);
    }

    /** Reads the frame at {@code offset} of a file through {@code channel}, whose size is {@code end}. */
    static Read read(FileChannel channel, long offset, long end) throws IOException {
        if (end - offset < HEADER) {
            return new Read(null, new Bad(offset, "the file ends " + (end - offset)
                    + " byte(s) into a frame header (torn write)", true));
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(channel, header, offset);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length <= 0 || length > MAX_PAYLOAD) {
            return new Read(null, new Bad(offset, "invalid frame length " + length, false));
        }
        if (end - offset - HEADER < length) {
            return new Read(null, new Bad(offset, "the frame declares " + length + " payload bytes but only "
                    + (end - offset - HEADER) + " follow (a torn write, or a damaged length)", true));
        }
        byte[] payload = new byte[length];
        readFully(channel, ByteBuffer.wrap(payload), offset + HEADER);
        if (crc(payload, 0, length) != crc) {
            return new Read(null, new Bad(offset, "checksum mismatch in a frame of " + length + " bytes", false));
        }
        return new Read(payload, null);
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
