package io.duratask.testkit.conformance;

/**
 * The optional features of a provider, as it declares them to the {@link ProviderConformanceKit}.
 * Every flag is checked both ways: a provider that declares a feature must pass its contract, and a
 * provider that does not must refuse it visibly ({@link UnsupportedOperationException}), never half do it.
 *
 * @param multipleProvidersOnOneStore two provider objects opened on one store share its state and its
 *     locks ("two runtimes, one database"); {@link ProviderConformanceKit#openAnotherProvider} returns such
 *     a second object. Without it, {@code openAnotherProvider} must throw {@link UnsupportedOperationException}.
 * @param restartInstance {@link io.duratask.spi.Provider#restartInstance} is implemented; without it the
 *     call must throw {@link UnsupportedOperationException} and change nothing
 * @param purge {@link io.duratask.spi.Provider#purgeInstance} and {@code purgeInstances} are implemented;
 *     without it both must throw {@link UnsupportedOperationException} and delete nothing
 */
public record Capabilities(boolean multipleProvidersOnOneStore, boolean restartInstance, boolean purge) {

    /** Every optional feature. */
    public static Capabilities all() {
        return new Capabilities(true, true, true);
    }

    /** No optional feature: the bare SPI. */
    public static Capabilities none() {
        return new Capabilities(false, false, false);
    }

    public Capabilities withMultipleProvidersOnOneStore(boolean value) {
        return new Capabilities(value, restartInstance, purge);
    }

    public Capabilities withRestartInstance(boolean value) {
        return new Capabilities(multipleProvidersOnOneStore, value, purge);
    }

    public Capabilities withPurge(boolean value) {
        return new Capabilities(multipleProvidersOnOneStore, restartInstance, value);
    }
}
