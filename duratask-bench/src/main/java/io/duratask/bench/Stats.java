package io.duratask.bench;

import java.util.Arrays;

/** Percentiles and medians over measured values. */
final class Stats {
    private Stats() {}

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static double median(double[] values) {
        return percentile(values, 50);
    }
}
