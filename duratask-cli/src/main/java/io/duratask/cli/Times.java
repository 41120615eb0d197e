package io.duratask.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How the CLI shows instants: local time, to the millisecond. */
final class Times {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Times() {}

    static String dateTime(Instant t) {
        return t == null ? "-" : DATE_TIME.format(t);
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }
}
