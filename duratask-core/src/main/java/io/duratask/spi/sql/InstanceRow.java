package io.duratask.spi.sql;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An instance row as stored, JSON still encoded. A fetch reads rows in this form inside its batch and
 * leaves the decoding to its caller, after the commit (see {@link SqlCodec#decode(InstanceRow)}).
 */
public record InstanceRow(String id, String name, String version, long executionId, String status, String input,
                   String output, String failureJson, String customStatus, String parentInstanceId, long createdAt,
                   long updatedAt) {

    /** The columns {@link #read} expects, in order. */
    public static final String COLUMNS = "id, name, version, execution_id, status, input, output, failure_json,"
            + " custom_status, parent_instance_id, created_at, updated_at";

    /** The same columns of an instances table aliased {@code i}. */
    public static final String COLUMNS_OF_I = "i.id, i.name, i.version, i.execution_id, i.status, i.input, i.output,"
            + " i.failure_json, i.custom_status, i.parent_instance_id, i.created_at, i.updated_at";

    /** Reads the row's {@link #COLUMNS} from the current row of {@code rs}, starting at column 1. */
    public static InstanceRow read(ResultSet rs) throws SQLException {
        return read(rs, 0);
    }

    /** Reads the row's {@link #COLUMNS} from the current row of {@code rs}, starting at column {@code offset + 1}. */
    public static InstanceRow read(ResultSet rs, int offset) throws SQLException {
        int o = offset;
        return new InstanceRow(rs.getString(o + 1), rs.getString(o + 2), rs.getString(o + 3), rs.getLong(o + 4),
                rs.getString(o + 5), rs.getString(o + 6), rs.getString(o + 7), rs.getString(o + 8),
                rs.getString(o + 9), rs.getString(o + 10), rs.getLong(o + 11), rs.getLong(o + 12));
    }
}
