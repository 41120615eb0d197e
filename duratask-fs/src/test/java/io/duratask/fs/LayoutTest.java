package io.duratask.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void directoryNamesAreReadableSafeAndReversible() {
        assertThat(Layout.dirName("order-42")).isEqualTo("order-42");
        assertThat(Layout.dirName("Order-42")).isEqualTo("^order-42");
        assertThat(Layout.dirName("a/b c")).isEqualTo("a%2Fb%20c");
        assertThat(Layout.dirName(".hidden")).isEqualTo("%2Ehidden");
        assertThat(Layout.dirName("..")).isEqualTo("%2E.");
        assertThat(Layout.dirName("ünï")).isEqualTo("%C3%BCn%C3%AF");
        for (String id : List.of("order-42", "Order-42", "a/b c", ".hidden", "..", "ünï", "x^y%z", "UPPER", "a.b_c-d")) {
            assertThat(Layout.idOf(Layout.dirName(id))).as("round trip of '%s'", id).isEqualTo(id);
        }
    }

    @Test
    void idsDifferingOnlyInCaseGetDifferentNamesEvenIgnoringCase() {
        assertThat(Layout.dirName("Abc").toLowerCase()).isNotEqualTo(Layout.dirName("abc").toLowerCase());
    }

    @Test
    void longIdsAreShortenedWithADigest() {
        String id = "x".repeat(500);
        String name = Layout.dirName(id);
        assertThat(name).hasSizeLessThanOrEqualTo(Layout.MAX_DIR_NAME).contains("~");
        assertThat(Layout.dirName(id + "y")).isNotEqualTo(name);
        assertThat(Layout.idOf(name)).as("the meta file holds the id").isNull();
    }

    @Test
    void fileNamesParse() {
        assertThat(Layout.seqOf("12.msg", ".msg")).isEqualTo(12);
        assertThat(Layout.seqOf("12.msg.tmp", ".msg")).isEqualTo(-1);
        assertThat(Layout.seqOf("-1.msg", ".msg")).isEqualTo(-1);
        assertThat(Layout.seqOf("0.msg", ".msg")).isEqualTo(-1);
        assertThat(Layout.historyExecution("history-3.log")).isEqualTo(3);
        assertThat(Layout.historyExecution("history-.log")).isEqualTo(-1);
    }

    @Test
    void journalRecordsRoundTripAndRejectPathsOutsideTheStore() {
        JournalRecord record = new JournalRecord(7, true, List.of(
                new FileOp.Put("instances/a/meta", new byte[] {1, 2}),
                new FileOp.Append("instances/a/history-1.log", 10, new byte[] {3}),
                new FileOp.Delete("instances/a/messages/1.msg"),
                new FileOp.DeleteTree("instances/b")));
        JournalRecord decoded = JournalRecord.decode(record.encode());
        assertThat(decoded.seq()).isEqualTo(7);
        assertThat(decoded.synced()).isTrue();
        assertThat(decoded.ops()).hasSize(4);
        assertThat(((FileOp.Put) decoded.ops().get(0)).bytes()).containsExactly(1, 2);
        assertThat(((FileOp.Append) decoded.ops().get(1)).offset()).isEqualTo(10);
        assertThat(decoded.ops().get(3).path()).isEqualTo("instances/b");

        for (String bad : List.of("../etc/passwd", "instances/../x", "/instances/a", "journal/1", "instances//a")) {
            byte[] bytes = new JournalRecord(1, true, List.of(new FileOp.Delete("instances/ok"))).encode();
            byte[] forged = JournalRecordForge.withPath(bytes, bad);
            assertThatThrownBy(() -> JournalRecord.decode(forged)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }

    /** Rewrites the path of a one-operation record, as damage or a forged journal could. */
    private static final class JournalRecordForge {
        static byte[] withPath(byte[] record, String path) {
            try {
                var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(record));
                var bytes = new java.io.ByteArrayOutputStream();
                var out = new java.io.DataOutputStream(bytes);
                out.writeByte(in.readByte());
                out.writeByte(in.readByte());
                out.writeLong(in.readLong());
                out.writeInt(in.readInt());
                out.writeByte(in.readByte());
                in.readUTF();
                out.writeUTF(path);
                out.write(in.readAllBytes());
                return bytes.toByteArray();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
