package io.duratask.testkit.crash;

import io.duratask.RuntimeStatus;
import io.duratask.history.HistoryEvent;
import io.duratask.history.HistoryEvent.ActivityCompleted;
import io.duratask.history.HistoryEvent.ActivityFailed;
import io.duratask.history.HistoryEvent.ActivityScheduled;
import io.duratask.history.HistoryEvent.SubOrchestrationCompleted;
import io.duratask.history.HistoryEvent.SubOrchestrationFailed;
import io.duratask.history.HistoryEvent.SubOrchestrationScheduled;
import io.duratask.history.HistoryEvent.TimerCreated;
import io.duratask.history.HistoryEvent.TimerFired;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.Provider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The end-of-run checks of a crash test, over every instance in the store and the {@link RunLog}:
 *
 * <ul>
 *   <li>every main instance completed with {@link CrashWorkload#expectedOutput}, every child completed;</li>
 *   <li>every history's event ids are 1, 2, 3, … (nothing appended twice, nothing lost in between);</li>
 *   <li>each history holds exactly the scheduling events the workload makes, once each (no turn repeated);</li>
 *   <li>every completion names an earlier scheduling event of its kind, and no scheduled id is completed
 *       twice; every activity and sub-orchestration has exactly one completion;</li>
 *   <li>every scheduled activity ran at least once, and every recorded run belongs to a scheduled activity
 *       (no work item escaped from a turn that was never committed).</li>
 * </ul>
 *
 * <p>Re-executions of an activity (at-least-once) are counted, not forbidden: they are what a kill between
 * an activity's run and its completion's commit costs.
 */
public final class CrashChecks {

    private CrashChecks() {}

    /** Runs every check; throws an {@link AssertionError} listing every problem found, else returns the numbers. */
    public static CrashReport verify(Provider store, RunLog runLog, int mainInstances) {
        List<String> problems = new ArrayList<>();
        List<InstanceInfo> instances = allInstances(store);
        List<RunLog.Run> allRuns = runLog.read();
        Map<String, Long> runsPerActivity = allRuns.stream()
                .collect(Collectors.groupingBy(RunLog.Run::key, LinkedHashMap::new, Collectors.counting()));
        Map<String, String> activityNames = new HashMap<>();
        int mains = 0;
        long scheduledActivities = 0;
        for (InstanceInfo info : instances) {
            if (CrashWorkload.MAIN.equals(info.name())) {
                mains++;
                long n = Long.parseLong(info.input());
                String want = "\"" + CrashWorkload.expectedOutput(n) + "\"";
                if (info.status() != RuntimeStatus.COMPLETED || !want.equals(info.output())) {
                    problems.add(info.instanceId() + ": " + info.status() + " with output " + info.output()
                            + (info.failure() == null ? "" : " failure " + info.failure().message()) + ", expected COMPLETED with " + want);
                }
            } else if (info.status() != RuntimeStatus.COMPLETED) {
                problems.add(info.instanceId() + " (" + info.name() + "): " + info.status()
                        + (info.failure() == null ? "" : " failure " + info.failure().message()) + ", expected COMPLETED");
            }
            List<HistoryEvent> history = store.readHistory(info.instanceId(), info.executionId());
            problems.addAll(CrashWorkload.checkShape(info, history));
            problems.addAll(checkCorrelation(info.instanceId(), history));
            for (HistoryEvent e : history) {
                if (e instanceof ActivityScheduled a) {
                    scheduledActivities++;
                    String key = info.instanceId() + "#" + info.executionId() + "#" + a.eventId();
                    activityNames.put(key, a.name());
                    if (!runsPerActivity.containsKey(key)) {
                        problems.add(info.instanceId() + ": activity " + a.name() + " (scheduled id " + a.eventId()
                                + ") has a completion but never ran according to the run log");
                    }
                }
            }
        }
        if (mains != mainInstances) {
            problems.add("the store holds " + mains + " " + CrashWorkload.MAIN + " instances, expected " + mainInstances);
        }
        long runs = 0;
        long duplicates = 0;
        long maxRuns = 0;
        String mostRunKey = null;
        for (Map.Entry<String, Long> e : runsPerActivity.entrySet()) {
            runs += e.getValue();
            duplicates += e.getValue() - 1;
            if (e.getValue() > maxRuns) {
                maxRuns = e.getValue();
                mostRunKey = e.getKey();
            }
            if (!activityNames.containsKey(e.getKey())) {
                problems.add("the run log has " + e.getValue() + " run(s) of " + e.getKey()
                        + ", which no history schedules (a work item of a turn that was never committed?)");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problem(s) after the crash run:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(50, problems.size()))));
        }
        return new CrashReport(mains, instances.size(), scheduledActivities, runs, duplicates, maxRuns,
                describeRuns(mostRunKey, allRuns));
    }

    /** "crash-3#1#5 Square: dequeue counts [1, 2], processes [812, 977]", or "none" if there were no runs. */
    private static String describeRuns(String key, List<RunLog.Run> runs) {
        if (key == null) {
            return "none";
        }
        List<RunLog.Run> mine = runs.stream().filter(r -> r.key().equals(key)).toList();
        return key + " " + mine.get(0).name() + ": dequeue counts " + mine.stream().map(RunLog.Run::attempt).toList()
                + ", processes " + mine.stream().map(RunLog.Run::pid).toList();
    }

    /** Event ids are 1..n in order; completions match earlier scheduling events; one completion per id. */
    static List<String> checkCorrelation(String instanceId, List<HistoryEvent> history) {
        List<String> problems = new ArrayList<>();
        Map<Long, Class<?>> scheduled = new HashMap<>();
        Set<Long> completed = new HashSet<>();
        long expectedId = 1;
        for (HistoryEvent e : history) {
            if (e.eventId() != expectedId) {
                problems.add(instanceId + ": event " + e.getClass().getSimpleName() + " has id " + e.eventId()
                        + ", expected " + expectedId + " (ids must be 1, 2, 3, ... with no repeat or gap)");
            }
            expectedId = e.eventId() + 1;
            switch (e) {
                case ActivityScheduled a -> scheduled.put(a.eventId(), ActivityScheduled.class);
                case TimerCreated t -> scheduled.put(t.eventId(), TimerCreated.class);
                case SubOrchestrationScheduled s -> scheduled.put(s.eventId(), SubOrchestrationScheduled.class);
                case ActivityCompleted c -> complete(instanceId, e, c.scheduledId(), ActivityScheduled.class, scheduled, completed, problems);
                case ActivityFailed f -> complete(instanceId, e, f.scheduledId(), ActivityScheduled.class, scheduled, completed, problems);
                case TimerFired f -> complete(instanceId, e, f.scheduledId(), TimerCreated.class, scheduled, completed, problems);
                case SubOrchestrationCompleted c ->
                        complete(instanceId, e, c.scheduledId(), SubOrchestrationScheduled.class, scheduled, completed, problems);
                case SubOrchestrationFailed f ->
                        complete(instanceId, e, f.scheduledId(), SubOrchestrationScheduled.class, scheduled, completed, problems);
                default -> { }
            }
        }
        scheduled.forEach((id, kind) -> {
            if (kind != TimerCreated.class && !completed.contains(id)) {
                problems.add(instanceId + ": " + kind.getSimpleName() + " " + id + " has no completion");
            }
        });
        return problems;
    }

    private static void complete(String instanceId, HistoryEvent completion, long scheduledId, Class<?> kind,
                                 Map<Long, Class<?>> scheduled, Set<Long> completed, List<String> problems) {
        String what = instanceId + ": " + completion.getClass().getSimpleName() + " " + completion.eventId()
                + " for scheduled id " + scheduledId;
        if (scheduled.get(scheduledId) != kind) {
            problems.add(what + " names no earlier " + kind.getSimpleName());
        } else if (!completed.add(scheduledId)) {
            problems.add(what + " is a second completion of that id");
        }
    }

    /** Every instance in the store, all pages. */
    static List<InstanceInfo> allInstances(Provider store) {
        List<InstanceInfo> all = new ArrayList<>();
        InstanceQuery query = InstanceQuery.all().withPageSize(1000);
        while (true) {
            InstancePage page = store.listInstances(query);
            all.addAll(page.instances());
            if (page.continuationToken() == null) {
                return all;
            }
            query = query.withContinuationToken(page.continuationToken());
        }
    }
}
