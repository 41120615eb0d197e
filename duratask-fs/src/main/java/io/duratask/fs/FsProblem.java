package io.duratask.fs;

import java.nio.file.Path;

/**
 * Something wrong that an {@link FsProvider} found in its directory: a corrupt or unreadable file, a file
 * that belongs to no instance, a torn record discarded from the end of the journal. The provider keeps
 * running; see {@link FsProvider#problems()}.
 *
 * @param instanceId the instance the file belongs to, or null if none could be named
 * @param file the file (or directory)
 * @param offset the byte offset in {@code file} where the damage starts (0 for a whole file)
 * @param message what is wrong and what the provider did about it
 * @param quarantined true if the instance was quarantined: it reports FAILED with this problem as its
 *     failure, none of its messages or work items are delivered, and its files are left untouched
 */
public record FsProblem(String instanceId, Path file, long offset, String message, boolean quarantined) {

    @Override
    public String toString() {
        return (instanceId == null ? "" : "instance '" + instanceId + "': ") + file + " at byte offset " + offset + ": "
                + message;
    }
}
