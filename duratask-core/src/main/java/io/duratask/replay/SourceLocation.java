package io.duratask.replay;

/** Finds the line of user code that made a context call, for nondeterminism messages. */
final class SourceLocation {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private static final java.util.Set<String> ENGINE_CLASSES = java.util.Set.of(
            Execution.class.getName(), Context.class.getName(), EngineFuture.class.getName(),
            CompletionFuture.class.getName(), SelectFuture.class.getName(), JoinFuture.class.getName(),
            SourceLocation.class.getName(), Handoff.class.getName());

    private SourceLocation() {}

    /** The first frame on the current thread outside Duratask's engine and API. */
    static String caller() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isInternal(f.getClassName()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse(null));
    }

    /** Same, over a captured stack (of the parked code thread). */
    static String of(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (!isInternal(f.getClassName())) {
                return f.toString();
            }
        }
        return null;
    }

    private static boolean isInternal(String className) {
        return ENGINE_CLASSES.contains(className)
                || className.startsWith("io.duratask.replay.Execution$")
                || className.startsWith("io.duratask.replay.Context$")
                || className.equals("io.duratask.OrchestrationContext")
                || className.equals("io.duratask.Selected")
                || className.startsWith("java.")
                || className.startsWith("jdk.");
    }
}
