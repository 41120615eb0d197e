package io.duratask.fs.crash;

import io.duratask.fs.FsProvider;
import io.duratask.spi.Provider;
import io.duratask.testkit.crash.CrashRecoveryScenarios;
import io.duratask.testkit.crash.ProviderFactory;
import java.nio.file.Path;

/** The crash-recovery kit on the file-system store: worker processes killed with SIGKILL, journal redone at open. */
class FsCrashRecoveryTest extends CrashRecoveryScenarios {

    /** Opens the store directory in the worker processes and in the test. */
    public static final class Factory implements ProviderFactory {
        @Override
        public Provider open(Path store) {
            return FsProvider.open(store);
        }
    }

    @Override
    protected Class<? extends ProviderFactory> providerFactory() {
        return Factory.class;
    }

    @Override
    protected boolean storeSharedAcrossProcesses() {
        return false; // one process at a time holds the directory's lock
    }
}
