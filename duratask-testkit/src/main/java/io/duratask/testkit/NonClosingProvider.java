package io.duratask.testkit;

import io.duratask.spi.Provider;

/**
 * A {@link Provider} that forwards everything to {@code delegate} except {@link #close()}, which does
 * nothing. A {@link io.duratask.DurableRuntime} closes its provider when it stops; wrap the store in
 * this to stop one runtime and start another on the same store (a restart, which forces a full
 * replay). Whoever created the delegate closes it.
 */
public final class NonClosingProvider extends ForwardingProvider {
    public NonClosingProvider(Provider delegate) {
        super(delegate, true);
    }

    /** The wrapped store. */
    public Provider delegate() {
        return delegate;
    }

    /** Does nothing: the delegate stays open for the next runtime. */
    @Override
    public void close() {
        // intentionally empty
    }
}
