package io.duratask.fs;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * File I/O that an interrupt cannot break. A {@link java.nio.channels.FileChannel} is closed when the thread
 * using it is interrupted, and group-commit leaders are caller threads that a runtime may interrupt while
 * it shuts down. Every file operation of the provider is idempotent (positional writes, whole-file puts,
 * deletes, reads), so it is simply run again on a fresh channel, with the interrupt flag cleared meanwhile
 * and restored afterwards.
 */
final class Io {
    private static final int MAX_ATTEMPTS = 1000;

    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    private Io() {}

    static <T> T uninterruptibly(Call<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return call.run();
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt >= MAX_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void uninterruptibly(Action action) throws IOException {
        uninterruptibly(() -> {
            action.run();
            return null;
        });
    }
}
