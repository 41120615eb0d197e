package io.duratask.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An instance row as stored, JSON still encoded. A fetch reads rows in this form inside its batch and
 * leaves the decoding to its caller, after the commit (see {@link Codec#decode(InstanceRow)}).
 */
record InstanceRow(String id, String name, String version, long executionId, String status, String input,
                   String output, String failureJson, String customStatus, String parentInstanceId, long createdAt,
                   long updatedAt) {

    /** The columns {@link #read} expects, in order. */
    static final String COLUMNS = "id, name, version, execution_id, status, input, output, failure_json,"
            + " custom_status, parent_instance_id, created_at, updated_at";

    /** The same columns of an instances table aliased {@code i}. */
    static final String COLUMNS_OF_I = "i.id, i.name, i.version, i.execution_id, i.status, i.input, i.output,"
            + " i.failure_json, i.custom_status, i.parent_instance_id, i.created_at, i.updated_at";

    /** Reads the row's {@link #COLUMNS} from the current row of {@code rs}, starting at column 1. */
    static InstanceRow read(ResultSet rs) throws SQLException {
        return new InstanceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getLong(11),
                rs.getLong(12));
    }
}
