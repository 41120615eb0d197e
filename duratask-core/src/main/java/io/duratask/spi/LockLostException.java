package io.duratask.spi;

/**
 * The lock named in a commit, completion or renewal has expired or was taken by another worker.
 * Nothing of the rejected operation was applied; the work will be redone by the lock's new owner.
 */
public class LockLostException extends ProviderException {
    public LockLostException(String what) {
        super("lock lost: " + what, false);
    }
}
