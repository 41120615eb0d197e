package io.duratask.fs;

import io.duratask.spi.ProviderException;
import java.nio.file.Path;

/**
 * A file of an {@link FsProvider}'s store is damaged or unreadable: a frame's checksum or length is wrong,
 * the file ends inside a record, or a record's content cannot be decoded. Names the file and the byte
 * offset where the damage starts. Not retryable: the file must be repaired (for instance restored from a
 * backup) or the instance purged.
 */
public class CorruptFileException extends ProviderException {
    private final Path file;
    private final long offset;
    private final String reason;

    public CorruptFileException(Path file, long offset, String reason) {
        super("corrupt file " + file + " at byte offset " + offset + ": " + reason, false);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    public CorruptFileException(Path file, long offset, String reason, Throwable cause) {
        super("corrupt file " + file + " at byte offset " + offset + ": " + reason, false, cause);
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** Where in {@link #file()} the damage starts. */
    public long offset() {
        return offset;
    }

    /** What is wrong, without the file and offset. */
    public String reason() {
        return reason;
    }
}
