package io.duratask.testkit.conformance;

import io.duratask.spi.Provider;
import static io.duratask.testkit.conformance.SpiFixtures.T0;
import static io.duratask.testkit.conformance.SpiFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.duratask.RuntimeStatus;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.InstancePage;
import io.duratask.spi.InstanceQuery;
import io.duratask.spi.InstanceUpdate;
import io.duratask.spi.OrchestrationItem;
import io.duratask.spi.TurnCommit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPI semantics every provider shares, run by a subclass per provider. */
public abstract class ListInstancesTests {
    protected final io.duratask.testkit.VirtualClock clock = new io.duratask.testkit.VirtualClock(T0);
    protected Provider provider;

    /** order-0..order-9 one second apart, then pay-0..pay-4 sharing one creation time; order-0..4 completed. */
    @BeforeEach
    void open() {
        provider = open(clock);
        for (int i = 0; i < 10; i++) {
            provider.createInstance(start("order-" + i, "ProcessOrder"));
            clock.advance(Duration.ofSeconds(1));
        }
        for (int i = 4; i >= 0; i--) { // ids out of order, same creation time: the id breaks the tie
            provider.createInstance(start("pay-" + i, "Payment"));
        }
        for (int i = 0; i < 5; i++) {
            OrchestrationItem item = provider.fetchOrchestrationItem(Duration.ofMinutes(1)).orElseThrow();
            InstanceUpdate done = new InstanceUpdate(item.instance().name(), "1.0", 1, RuntimeStatus.COMPLETED, null,
                    "\"ok\"", null, null);
            provider.commitOrchestrationItem(item, new TurnCommit(1, List.of(), List.of(), List.of(), done));
        }
    }

    @AfterEach
    void close() {
        close(provider);
    }

    /** A fresh, empty store that reads time only from {@code clock}. */
    protected abstract Provider open(java.time.Clock clock);

    /** Closes the provider after each test; a provider may check its store here first. */
    protected void close(Provider provider) {
        provider.close();
    }

    @Test
    void allInstancesComeInCreationOrderThenById() {
        InstancePage page = provider.listInstances(InstanceQuery.all());
        assertThat(page.continuationToken()).isNull();
        assertThat(ids(page.instances())).containsExactly("order-0", "order-1", "order-2", "order-3", "order-4",
                "order-5", "order-6", "order-7", "order-8", "order-9", "pay-0", "pay-1", "pay-2", "pay-3", "pay-4");
    }

    @Test
    void pagingVisitsEveryInstanceOnce() {
        List<String> seen = new ArrayList<>();
        InstanceQuery query = InstanceQuery.all().withPageSize(4);
        int pages = 0;
        while (true) {
            InstancePage page = provider.listInstances(query);
            pages++;
            assertThat(page.instances()).hasSizeLessThanOrEqualTo(4);
            seen.addAll(ids(page.instances()));
            if (page.continuationToken() == null) {
                break;
            }
            query = query.withContinuationToken(page.continuationToken());
        }
        assertThat(pages).isEqualTo(4);
        assertThat(seen).hasSize(15).doesNotHaveDuplicates()
                .isEqualTo(ids(provider.listInstances(InstanceQuery.all()).instances()));
    }

    @Test
    void anExactlyFullLastPageHasNoToken() {
        InstancePage page = provider.listInstances(InstanceQuery.all().withPageSize(15));
        assertThat(page.instances()).hasSize(15);
        assertThat(page.continuationToken()).isNull();
    }

    @Test
    void filtersByStatusNamePrefixAndCreationTime() {
        assertThat(ids(provider.listInstances(InstanceQuery.all().withStatuses(Set.of(RuntimeStatus.COMPLETED)))
                .instances())).containsExactly("order-0", "order-1", "order-2", "order-3", "order-4");
        assertThat(provider.listInstances(InstanceQuery.all()
                .withStatuses(Set.of(RuntimeStatus.PENDING, RuntimeStatus.FAILED))).instances()).hasSize(10);
        assertThat(ids(provider.listInstances(InstanceQuery.all().withNamePrefix("Pay")).instances()))
                .containsExactly("pay-0", "pay-1", "pay-2", "pay-3", "pay-4");
        assertThat(provider.listInstances(InstanceQuery.all().withNamePrefix("rocess")).instances()).isEmpty();
        assertThat(provider.listInstances(InstanceQuery.all().withNamePrefix("%")).instances()).isEmpty();

        InstanceQuery window = new InstanceQuery(Set.of(), null, T0.plusSeconds(2), T0.plusSeconds(5), 100, null);
        assertThat(ids(provider.listInstances(window).instances())).containsExactly("order-2", "order-3", "order-4");
        InstanceQuery subMillis = new InstanceQuery(Set.of(), null, T0.plusSeconds(2).plusNanos(1), null, 100, null);
        List<InstanceInfo> after = provider.listInstances(subMillis).instances();
        assertThat(after).allMatch(subMillis::matches).extracting(InstanceInfo::instanceId).doesNotContain("order-2");
    }

    @Test
    void filtersAndPagingCombine() {
        InstanceQuery query = InstanceQuery.all().withStatuses(Set.of(RuntimeStatus.PENDING)).withNamePrefix("Process")
                .withPageSize(3);
        InstancePage first = provider.listInstances(query);
        InstancePage second = provider.listInstances(query.withContinuationToken(first.continuationToken()));
        assertThat(ids(first.instances())).containsExactly("order-5", "order-6", "order-7");
        assertThat(ids(second.instances())).containsExactly("order-8", "order-9");
        assertThat(second.continuationToken()).isNull();
    }

    @Test
    void aForgedTokenIsRejected() {
        assertThatThrownBy(() -> provider.listInstances(InstanceQuery.all().withContinuationToken("not-a-token")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("continuation token");
    }

    private static List<String> ids(List<InstanceInfo> infos) {
        return infos.stream().map(InstanceInfo::instanceId).toList();
    }
}
