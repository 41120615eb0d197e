package io.duratask.testkit.conformance;

/**
 * The optional features of a provider, as it declares them to the {@link ProviderConformanceKit}.
 * Every flag is checked both ways: a provider that declares a feature must pass its contract, and a
 * provider that does not must refuse it visibly ({@link UnsupportedOperationException}), never half do it.
 * Everything else in the {@link io.duratask.spi.Provider} SPI (restart and purge included) is required.
 *
 * @param multipleProvidersOnOneStore two provider objects opened on one store share its state and its
 *     locks ("two runtimes, one database"); {@link ProviderConformanceKit#openAnotherProvider} returns such
 *     a second object. Without it, {@code openAnotherProvider} must throw {@link UnsupportedOperationException}.
 */
public record Capabilities(boolean multipleProvidersOnOneStore) {

    /** Every optional feature. */
    public static Capabilities all() {
        return new Capabilities(true);
    }

    /** No optional feature: the bare SPI. */
    public static Capabilities none() {
        return new Capabilities(false);
    }

    public Capabilities withMultipleProvidersOnOneStore(boolean value) {
        return new Capabilities(value);
    }
}
