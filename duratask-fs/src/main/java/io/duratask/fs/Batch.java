package io.duratask.fs;

import java.util.HashSet;
import java.util.Set;

/**
 * What the writes prepared so far in one group commit do to instance existence and locks. The state is
 * only changed when the batch is published, so a write checks the state together with this overlay: two
 * creations of one id in one batch, a message to an instance created or purged earlier in the batch, a
 * commit under a lock that a restart or purge earlier in the batch took away.
 */
final class Batch {
    final Set<String> created = new HashSet<>();
    final Set<String> purged = new HashSet<>();
    final Set<String> restarted = new HashSet<>();

    /** Whether {@code id} exists once the writes prepared so far are published. */
    boolean exists(State state, String id) {
        return created.contains(id) || (!purged.contains(id) && state.get(id) != null);
    }

    /** Whether a lock on {@code id} was taken away by a purge or restart earlier in the batch. */
    boolean lockRevoked(String id) {
        return purged.contains(id) || restarted.contains(id);
    }
}
