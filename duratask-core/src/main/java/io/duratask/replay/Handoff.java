package io.duratask.replay;

import java.util.concurrent.locks.LockSupport;

/**
 * Strict alternation between a driver thread and the orchestration's code thread: exactly one of them
 * runs at any time. The volatile flag gives every write made by one side before a handoff
 * happens-before the other side's reads after it, so engine state needs no other locking.
 *
 * <p>Both sides are expected to be virtual threads; a park/unpark cycle between two virtual threads
 * costs about a microsecond.
 */
final class Handoff {
    private final Thread code;
    private volatile Thread driver;
    private volatile boolean codeTurn;
    private boolean started;

    Handoff(Runnable body) {
        this.code = Thread.ofVirtual().name("duratask-orchestration").unstarted(body);
    }

    /** Driver side: lets the code run until it yields or ends. */
    void runCode() {
        driver = Thread.currentThread();
        codeTurn = true;
        if (!started) {
            started = true;
            code.start();
        } else {
            LockSupport.unpark(code);
        }
        while (codeTurn) {
            LockSupport.park(this);
        }
    }

    /** Code side: gives control back to the driver and waits to be run again. */
    void yieldToDriver() {
        codeTurn = false;
        LockSupport.unpark(driver);
        while (!codeTurn) {
            LockSupport.park(this);
        }
    }

    /** Code side, last act of the code thread. */
    void finish() {
        codeTurn = false;
        LockSupport.unpark(driver);
    }

    boolean started() {
        return started;
    }

    boolean isCodeThread() {
        return Thread.currentThread() == code;
    }

    StackTraceElement[] codeStack() {
        return code.getStackTrace();
    }
}
