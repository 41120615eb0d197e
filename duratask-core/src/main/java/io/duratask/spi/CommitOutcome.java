package io.duratask.spi;

import java.util.List;

/**
 * What {@link Provider#commitOrchestrationItemAndLease} did besides storing the turn.
 *
 * @param leases work items of the commit that the same atomic step leased to the caller, exactly as if the
 *     caller had fetched them (in the order of {@link TurnCommit#workItems()}); empty if none
 * @param instanceHasMessages whether the instance had visible messages right after the commit (messages that
 *     arrived while the turn ran); {@code true} when the provider cannot tell
 */
public record CommitOutcome(List<WorkItemLease> leases, boolean instanceHasMessages) {
    /** The outcome of a commit that leased nothing and cannot tell whether messages are waiting. */
    public static final CommitOutcome NOTHING_LEASED = new CommitOutcome(List.of(), true);

    public CommitOutcome {
        leases = List.copyOf(leases);
    }
}
