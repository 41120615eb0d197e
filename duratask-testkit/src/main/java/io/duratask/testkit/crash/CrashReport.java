package io.duratask.testkit.crash;

/**
 * The numbers of a verified crash run.
 *
 * @param mainInstances top-level instances, all completed correctly
 * @param instances every instance in the store (children included)
 * @param scheduledActivities activities scheduled in all histories (each completed exactly once)
 * @param activityRuns executions recorded in the run log
 * @param duplicateRuns re-executions: runs beyond the first of the same scheduled activity (at-least-once)
 * @param maxRunsOfOneActivity most executions of a single scheduled activity
 * @param mostRun that activity's runs: which one, with each run's dequeue count and process id
 */
public record CrashReport(int mainInstances, int instances, long scheduledActivities, long activityRuns,
                          long duplicateRuns, long maxRunsOfOneActivity, String mostRun) {

    @Override
    public String toString() {
        return mainInstances + " main instances (" + instances + " with children), " + scheduledActivities
                + " activities scheduled, " + activityRuns + " runs, " + duplicateRuns
                + " duplicate runs (at-least-once re-executions), at most " + maxRunsOfOneActivity + " runs of one activity"
                + (maxRunsOfOneActivity > 1 ? " (" + mostRun + ")" : "");
    }
}
