package io.duratask.postgres;

import io.duratask.spi.sql.SqlCodec.EncodedMessage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Binding helpers: every value is a bind parameter. */
final class Jdbc {
    private Jdbc() {}

    /** Binds {@code params} in order; null strings are bound as null text. */
    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else if (p instanceof String s) {
                ps.setString(i + 1, s);
            } else if (p instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (p instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (p instanceof Array a) {
                ps.setArray(i + 1, a);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    static Array texts(Connection c, String[] values) throws SQLException {
        return c.createArrayOf("text", values);
    }

    static Array bigints(Connection c, long[] values) throws SQLException {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return c.createArrayOf("bigint", boxed);
    }

    /** When a message becomes visible: its requested time, or now. */
    static long visibleAt(EncodedMessage m, long now) {
        return m.visibleAt() == null ? now : m.visibleAt().toEpochMilli();
    }

    /** The requested time, exactly as given (an {@code Instant} may hold nanoseconds), for the fetched message. */
    static String requested(EncodedMessage m) {
        return m.visibleAt() == null ? null : m.visibleAt().toString();
    }
}
