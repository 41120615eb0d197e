package io.duratask.samples;

import io.duratask.DurableRuntime;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import io.duratask.sqlite.SqliteProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** The stores every sample test runs on. */
enum Store {
    MEMORY {
        @Override
        Provider open(Path dir) {
            return new InMemoryProvider();
        }
    },
    SQLITE {
        @Override
        Provider open(Path dir) {
            return SqliteProvider.open(dir.resolve("samples.db"));
        }
    };

    abstract Provider open(Path dir);

    /** A runtime on this store (files in {@code dir}) running what {@code registrations} adds. */
    DurableRuntime start(Path dir, UnaryOperator<Registry.Builder> registrations) {
        Registry registry = registrations.apply(Registry.builder()).build();
        return DurableRuntime.start(open(dir), registry, RuntimeOptions.builder()
                .idlePollInterval(Duration.ofMillis(20))
                .build());
    }
}
