package io.duratask.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows of text printed as left-aligned columns, each as wide as its widest cell. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean header;

    /** A table whose first row is {@code header}. */
    Table(String... header) {
        this.header = true;
        rows.add(header);
    }

    private Table() {
        this.header = false;
    }

    /** A table of rows only. */
    static Table withoutHeader() {
        return new Table();
    }

    void add(String... row) {
        rows.add(row);
    }

    /** Number of rows, not counting the header. */
    int size() {
        return header ? rows.size() - 1 : rows.size();
    }

    void print(PrintWriter out) {
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row[c] : String.format("%-" + width[c] + "s  ", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
