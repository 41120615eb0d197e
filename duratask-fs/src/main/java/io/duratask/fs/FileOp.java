package io.duratask.fs;

/**
 * One idempotent change to one file or directory, as journal records carry them. Applying an operation
 * twice, or applying a whole sequence of them again from any point, leaves the same files as applying
 * them once: that is what lets recovery simply redo every record the journal holds.
 *
 * <p>Paths are relative to the store's root (see {@link Layout}); parent directories are created as
 * needed.
 */
sealed interface FileOp {

    String path();

    /** Replaces the whole content of {@code path} with {@code bytes} (creating it if needed). */
    record Put(String path, byte[] bytes) implements FileOp {}

    /**
     * Writes {@code bytes} at byte {@code offset} of {@code path} and cuts the file right after them. Redone,
     * it rewrites the same bytes at the same place and drops whatever a torn write left beyond them.
     */
    record Append(String path, long offset, byte[] bytes) implements FileOp {}

    /** Deletes the file {@code path} if it exists. */
    record Delete(String path) implements FileOp {}

    /** Deletes the directory {@code path} with everything in it, if it exists. */
    record DeleteTree(String path) implements FileOp {}
}
