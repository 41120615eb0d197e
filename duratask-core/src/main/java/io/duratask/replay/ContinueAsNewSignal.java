package io.duratask.replay;

/** Unwinds orchestration code after {@code continueAsNew}; an Error so user catch blocks let it pass. */
final class ContinueAsNewSignal extends Error {
    final String input;
    final String version;

    ContinueAsNewSignal(String input, String version) {
        super("continue-as-new", null, false, false);
        this.input = input;
        this.version = version;
    }
}
