package io.duratask.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTest {
    @TempDir
    Path dir;

    private Applier applier;

    @BeforeEach
    void setUp() throws IOException {
        Layout layout = new Layout(dir);
        Files.createDirectories(layout.instancesDir());
        applier = new Applier(layout);
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void operationsApplyInOrderAndMarkWhatACheckpointMustSync() throws IOException {
        applier.apply(List.of(
                new FileOp.Put("instances/a/meta", b("first version, longer")),
                new FileOp.Append("instances/a/history-1.log", 0, b("12345")),
                new FileOp.Append("instances/a/history-1.log", 5, b("678"))));
        applier.apply(List.of(new FileOp.Put("instances/a/meta", b("second"))));
        assertThat(dir.resolve("instances/a/meta")).as("overwritten in place and cut").hasContent("second");
        assertThat(dir.resolve("instances/a/history-1.log")).hasContent("12345678");
        assertThat(applier.takeDirty()).contains(dir.resolve("instances/a/meta"), dir.resolve("instances/a/history-1.log"),
                dir.resolve("instances/a"), dir.resolve("instances"));
        assertThat(applier.takeDirty()).as("a fresh set after taking").isEmpty();

        applier.apply(List.of(new FileOp.Append("instances/a/history-1.log", 3, b("xy"))));
        assertThat(dir.resolve("instances/a/history-1.log")).as("redone appends cut what follows").hasContent("123xy");
        applier.apply(List.of(new FileOp.Append("instances/a/history-1.log", 10, b("z"))));
        assertThat(applier.gaps()).containsOnlyKeys(dir.resolve("instances/a/history-1.log"));
    }

    @Test
    void whatALaterOperationReplacesOrDeletesIsNeverWritten() throws IOException {
        Files.createDirectories(dir.resolve("instances/keep/messages"));
        Files.writeString(dir.resolve("instances/keep/messages/1.msg"), "old");
        applier.apply(List.of(
                new FileOp.Put("instances/keep/meta", b("v1")),
                new FileOp.Put("instances/short/messages/2.msg", b("consumed soon")),
                new FileOp.Put("instances/keep/meta", b("v2")),
                new FileOp.Append("instances/gone/history-1.log", 0, b("events")),
                new FileOp.Put("instances/gone/meta", b("purged soon")),
                new FileOp.Delete("instances/short/messages/2.msg"),
                new FileOp.Delete("instances/keep/messages/1.msg"),
                new FileOp.DeleteTree("instances/gone")));
        assertThat(dir.resolve("instances/keep/meta")).hasContent("v2");
        assertThat(dir.resolve("instances/keep/messages/1.msg")).as("deletes always run").doesNotExist();
        assertThat(dir.resolve("instances/short")).as("never created").doesNotExist();
        assertThat(dir.resolve("instances/gone")).doesNotExist();
        assertThat(applier.takeDirty()).doesNotContain(dir.resolve("instances/short/messages/2.msg"));
    }
}
