package io.duratask.testkit.crash;

import io.duratask.spi.Provider;
import java.nio.file.Path;

/**
 * Opens a provider on a store path. The crash harness names an implementation by class name on the worker
 * process's command line, so it must be a public class with a public no-argument constructor, on the test
 * class path. The test process opens the same store with the same factory to start instances, raise events
 * and check the histories.
 *
 * <pre>{@code
 * public final class SqliteCrashFactory implements ProviderFactory {
 *     public Provider open(Path store) { return SqliteProvider.open(store); }
 * }
 * }</pre>
 */
public interface ProviderFactory {

    /** Opens (creating if needed) the store at {@code store}. */
    Provider open(Path store);

    /** Instantiates the factory named {@code className}, with a clear error if it cannot. */
    static ProviderFactory load(String className) {
        try {
            Class<?> type = Class.forName(className);
            if (!ProviderFactory.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("provider factory class " + className + " does not implement "
                        + ProviderFactory.class.getName());
            }
            return (ProviderFactory) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot instantiate provider factory " + className
                    + " (it needs a public no-argument constructor and must be on the class path): " + e, e);
        }
    }
}
