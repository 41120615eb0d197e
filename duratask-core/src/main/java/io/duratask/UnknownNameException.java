package io.duratask;

import java.util.Collection;
import java.util.TreeSet;

/** An orchestration or activity name that is not in the {@link Registry}. */
public class UnknownNameException extends DurataskException {
    private final String kind;
    private final String name;

    public UnknownNameException(String kind, String name, Collection<String> known) {
        super("no " + kind + " named '" + name + "' is registered (registered "
                + (kind.endsWith("y") ? kind.substring(0, kind.length() - 1) + "ies" : kind + "s") + ": "
                + new TreeSet<>(known) + ")");
        this.kind = kind;
        this.name = name;
    }

    /** "orchestration" or "activity". */
    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }
}
