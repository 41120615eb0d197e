package io.duratask.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.duratask.Registry;
import io.duratask.RuntimeOptions;
import io.duratask.memory.InMemoryProvider;
import io.duratask.spi.Provider;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code ctx.logger()} writes each message once, however often the code is replayed: with the execution
 * cache off (every turn replays from the start) and across a runtime restart.
 */
class ReplaySafeLoggerTest extends ScenarioSupport {
    private static final String LOGGER = "io.duratask.orchestration.Chatty";

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger logger;
    private Level previousLevel;
    private boolean previousAdditive;
    private RuntimeOptions options = RuntimeOptions.defaults();

    @Override
    protected Provider createProvider() {
        return new InMemoryProvider();
    }

    @Override
    protected RuntimeOptions runtimeOptions() {
        return options;
    }

    @BeforeEach
    void captureTheOrchestrationLogger() {
        logger = (Logger) LoggerFactory.getLogger(LOGGER);
        previousLevel = logger.getLevel();
        previousAdditive = logger.isAdditive();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void releaseTheOrchestrationLogger() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditive);
    }

    /** Logs before and after every step; with {@code plain} it logs through a plain SLF4J logger instead. */
    private static Registry chatty(boolean plain) {
        return Registry.builder()
                .activity("Step", (actx, s) -> s + "!")
                .orchestration("Chatty", (ctx, in) -> {
                    org.slf4j.Logger log = plain ? LoggerFactory.getLogger(LOGGER) : ctx.logger();
                    log.info("1 started with {}", in);
                    String a = ctx.scheduleActivity("Step", in).await();
                    log.info("2 activity returned {}", a);
                    ctx.scheduleTimer(SHORT_TIMER).await();
                    log.warn("3 timer fired");
                    String b = ctx.scheduleActivity("Step", a).await();
                    log.debug("4 second activity returned {}", b);
                    String go = ctx.waitForEvent("Go").await();
                    log.info("5 event {} arrived", go);
                    log.error("6 done");
                    return b + go;
                })
                .build();
    }

    private static final List<String> EXPECTED = List.of("1 started with in", "2 activity returned in!", "3 timer fired",
            "4 second activity returned in!!", "5 event go arrived", "6 done");

    private List<String> logged() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void eachMessageIsLoggedOnceWhenEveryTurnReplays() {
        options = withCacheSize(RuntimeOptions.defaults(), 0);
        start(chatty(false));
        client.startOrchestration("chatty-1", "Chatty", "in");
        awaitSubscribed("chatty-1", "Go");
        client.raiseEvent("chatty-1", "Go", "go");

        assertThat(awaitCompleted("chatty-1").output(String.class)).isEqualTo("in!!go");
        assertThat(runtime().cacheStats()[0]).as("no turn was served from the cache").isZero();
        assertThat(runtime().cacheStats()[1]).as("five turns, each rebuilt by replay").isGreaterThanOrEqualTo(5);
        assertThat(logged()).as("messages, each exactly once, in order").containsExactlyElementsOf(EXPECTED);
        assertThat(appender.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.INFO, Level.INFO, Level.WARN, Level.DEBUG, Level.INFO, Level.ERROR);
    }

    @Test
    void eachMessageIsLoggedOnceAcrossARestart() {
        Provider store = survivingProvider();
        start(store, chatty(false));
        client.startOrchestration("chatty-2", "Chatty", "in");
        awaitSubscribed("chatty-2", "Go");
        assertThat(logged()).containsExactlyElementsOf(EXPECTED.subList(0, 4));
        stopRuntime();

        start(store, chatty(false));   // nothing cached: the next turn replays all of it
        client.raiseEvent("chatty-2", "Go", "go");

        assertThat(awaitCompleted("chatty-2").output(String.class)).isEqualTo("in!!go");
        assertThat(logged()).as("messages, each exactly once, in order").containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void aPlainLoggerWouldRepeatMessagesOnReplay() {
        options = withCacheSize(RuntimeOptions.defaults(), 0);
        start(chatty(true));
        client.startOrchestration("chatty-3", "Chatty", "in");
        awaitSubscribed("chatty-3", "Go");
        client.raiseEvent("chatty-3", "Go", "go");
        awaitCompleted("chatty-3");

        assertThat(logged()).as("the control: without ctx.logger() replays log again").containsAll(EXPECTED)
                .hasSizeGreaterThan(EXPECTED.size());
        assertThat(logged().stream().filter("1 started with in"::equals).count()).isGreaterThan(1);
    }
}
