package io.duratask.spi;

import io.duratask.RuntimeStatus;
import java.time.Instant;
import java.util.Set;

/**
 * Filter and page for listing instances. Instances come ordered by creation time, then id.
 *
 * @param statuses only these statuses; empty means all
 * @param namePrefix only instances whose orchestration name starts with this; null means all
 * @param createdFrom only instances created at or after this; null means no bound
 * @param createdTo only instances created before this; null means no bound
 * @param pageSize at most this many (1..1000)
 * @param continuationToken from the previous page, or null for the first
 */
public record InstanceQuery(Set<RuntimeStatus> statuses, String namePrefix, Instant createdFrom, Instant createdTo,
                            int pageSize, String continuationToken) {
    public InstanceQuery {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("pageSize must be between 1 and 1000, was " + pageSize);
        }
    }

    /** All instances, 100 per page. */
    public static InstanceQuery all() {
        return new InstanceQuery(Set.of(), null, null, null, 100, null);
    }

    public InstanceQuery withStatuses(Set<RuntimeStatus> s) {
        return new InstanceQuery(s, namePrefix, createdFrom, createdTo, pageSize, continuationToken);
    }

    public InstanceQuery withPageSize(int size) {
        return new InstanceQuery(statuses, namePrefix, createdFrom, createdTo, size, continuationToken);
    }

    public InstanceQuery withNamePrefix(String prefix) {
        return new InstanceQuery(statuses, prefix, createdFrom, createdTo, pageSize, continuationToken);
    }

    public InstanceQuery withContinuationToken(String token) {
        return new InstanceQuery(statuses, namePrefix, createdFrom, createdTo, pageSize, token);
    }

    /** True if {@code info} passes the filters (not the paging). */
    public boolean matches(InstanceInfo info) {
        return (statuses.isEmpty() || statuses.contains(info.status()))
                && (namePrefix == null || (info.name() != null && info.name().startsWith(namePrefix)))
                && (createdFrom == null || !info.createdAt().isBefore(createdFrom))
                && (createdTo == null || info.createdAt().isBefore(createdTo));
    }
}
