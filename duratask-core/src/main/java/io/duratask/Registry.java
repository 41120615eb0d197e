package io.duratask;

import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The orchestrations and activities a runtime can run, by name (and, for orchestrations, version).
 * Inputs are read from JSON as the registered type; plain {@code String} works for untyped text.
 * Immutable once built.
 */
public final class Registry {

    /** A registered orchestration. */
    public record OrchestrationDefinition(String name, String version, Class<?> inputType, Orchestration<Object, ?> code) {}

    /** A registered activity. */
    public record ActivityDefinition(String name, Class<?> inputType, Activity<Object, ?> code) {}

    private final Map<String, NavigableMap<String, OrchestrationDefinition>> orchestrations;
    private final Map<String, ActivityDefinition> activities;

    private Registry(Builder b) {
        Map<String, NavigableMap<String, OrchestrationDefinition>> o = new HashMap<>();
        b.orchestrations.forEach((name, versions) -> o.put(name, Collections.unmodifiableNavigableMap(new TreeMap<>(versions))));
        this.orchestrations = Map.copyOf(o);
        this.activities = Map.copyOf(b.activities);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The latest registered version of {@code name}. */
    public Optional<OrchestrationDefinition> orchestration(String name) {
        NavigableMap<String, OrchestrationDefinition> versions = orchestrations.get(name);
        return versions == null ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
    }

    /** Exactly {@code version} of {@code name}; a null version means the latest. */
    public Optional<OrchestrationDefinition> orchestration(String name, String version) {
        if (version == null) {
            return orchestration(name);
        }
        NavigableMap<String, OrchestrationDefinition> versions = orchestrations.get(name);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
    }

    public Optional<ActivityDefinition> activity(String name) {
        return Optional.ofNullable(activities.get(name));
    }

    public Set<String> orchestrationNames() {
        return orchestrations.keySet();
    }

    public Set<String> activityNames() {
        return activities.keySet();
    }

    /** Collects registrations; rejects duplicates and blank names. */
    public static final class Builder {
        private final Map<String, Map<String, OrchestrationDefinition>> orchestrations = new HashMap<>();
        private final Map<String, ActivityDefinition> activities = new HashMap<>();

        private Builder() {}

        /** Registers a typed activity: the input is read from JSON as {@code inputType}. */
        @SuppressWarnings("unchecked")
        public <I> Builder activity(String name, Class<I> inputType, Activity<I, ?> activity) {
            requireName("activity", name);
            Objects.requireNonNull(inputType, "inputType");
            Objects.requireNonNull(activity, "activity");
            if (activities.putIfAbsent(name, new ActivityDefinition(name, inputType, (Activity<Object, ?>) activity)) != null) {
                throw new IllegalArgumentException("activity '" + name + "' is registered twice");
            }
            return this;
        }

        /** Registers an activity with plain string input. */
        public Builder activity(String name, Activity<String, ?> activity) {
            return activity(name, String.class, activity);
        }

        /** Registers a typed orchestration (version ""). */
        public <I> Builder orchestration(String name, Class<I> inputType, Orchestration<I, ?> orchestration) {
            return orchestration(name, "", inputType, orchestration);
        }

        /** Registers an orchestration with plain string input (version ""). */
        public Builder orchestration(String name, Orchestration<String, ?> orchestration) {
            return orchestration(name, "", String.class, orchestration);
        }

        /**
         * Registers one version of an orchestration. Versions sort as strings where digits runs compare
         * numerically ("1.10" after "1.9"); a start without a version takes the highest.
         */
        @SuppressWarnings("unchecked")
        public <I> Builder orchestration(String name, String version, Class<I> inputType, Orchestration<I, ?> orchestration) {
            requireName("orchestration", name);
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(inputType, "inputType");
            Objects.requireNonNull(orchestration, "orchestration");
            Map<String, OrchestrationDefinition> versions =
                    orchestrations.computeIfAbsent(name, n -> new TreeMap<>(VERSION_ORDER));
            if (versions.putIfAbsent(version, new OrchestrationDefinition(name, version, inputType,
                    (Orchestration<Object, ?>) orchestration)) != null) {
                throw new IllegalArgumentException("orchestration '" + name + "' version '" + version + "' is registered twice");
            }
            return this;
        }

        public Registry build() {
            return new Registry(this);
        }

        private static void requireName(String kind, String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(kind + " name must not be blank");
            }
        }
    }

    /** Orders "1.9" before "1.10": digit runs compare as numbers, the rest as text. */
    static final Comparator<String> VERSION_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) return c;
            } else {
                if (ca != cb) return Character.compare(ca, cb);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };
}
