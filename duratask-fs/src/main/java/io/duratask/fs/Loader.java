package io.duratask.fs;

import io.duratask.RuntimeStatus;
import io.duratask.spi.ActivityWorkItem;
import io.duratask.spi.InstanceInfo;
import io.duratask.spi.OrchestratorMessage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the provider's memory from the instance files at open (after recovery redid the journal): every
 * instance's metadata, messages and work items. Histories are not read (the metadata holds their sizes)
 * unless {@code verifyOnOpen}.
 *
 * <p>Damage is contained per instance. A file that cannot be read or decoded quarantines its instance:
 * it is listed as FAILED with a failure naming the file and byte offset, none of its messages or work
 * items are delivered, and its files are left as they are, so a repaired file is picked up at the next
 * open. Files that belong to no instance (a directory without {@code meta}) are reported and left alone.
 * Every finding goes to {@link State#problems}.
 */
final class Loader {
    private static final Logger log = LoggerFactory.getLogger(Loader.class);

    private final Layout layout;
    private final FileCodec codec;
    private final boolean verifyHistories;
    private final Map<Path, String> gaps;
    private final Instant now;
    private final State state = new State();
    private long maxMessageSeq;
    private long maxWorkSeq;

    private Loader(Layout layout, FileCodec codec, boolean verifyHistories, Map<Path, String> gaps, Instant now) {
        this.layout = layout;
        this.codec = codec;
        this.verifyHistories = verifyHistories;
        this.gaps = gaps;
        this.now = now;
    }

    static State load(Layout layout, FileCodec codec, boolean verifyHistories, Map<Path, String> gaps, Instant now)
            throws IOException {
        Loader loader = new Loader(layout, codec, verifyHistories, gaps, now);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.instancesDir())) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir)) {
                    loader.loadInstance(dir);
                } else {
                    loader.problem(null, dir, 0, "a file where only instance directories belong; ignored", false);
                }
            }
        }
        loader.state.nextMessageSeq = loader.maxMessageSeq + 1;
        loader.state.nextWorkSeq = loader.maxWorkSeq + 1;
        return loader.state;
    }

    private void loadInstance(Path dir) throws IOException {
        String dirName = dir.getFileName().toString();
        String idFromName = Layout.idOf(dirName);
        TreeMap<Long, Path> messageFiles = files(dir.resolve(Layout.MESSAGES), ".msg", idFromName);
        TreeMap<Long, Path> workFiles = files(dir.resolve(Layout.WORK), ".work", idFromName);
        maxMessageSeq = Math.max(maxMessageSeq, messageFiles.isEmpty() ? 0 : messageFiles.lastKey());
        maxWorkSeq = Math.max(maxWorkSeq, workFiles.isEmpty() ? 0 : workFiles.lastKey());

        Path metaFile = dir.resolve(Layout.META);
        if (!Files.exists(metaFile)) {
            String who = idFromName == null ? "no instance" : "no instance '" + idFromName + "'";
            for (Path f : messageFiles.values()) {
                problem(idFromName, f, 0, "message file for an unknown instance: " + dir + " has no meta file, so " + who
                        + " exists; the message is not delivered and the file is left in place", false);
            }
            for (Path f : workFiles.values()) {
                problem(idFromName, f, 0, "work item for an unknown instance: " + dir + " has no meta file, so " + who
                        + " exists; the work item is not run and the file is left in place", false);
            }
            if (messageFiles.isEmpty() && workFiles.isEmpty()) {
                problem(idFromName, dir, 0, "a directory without a meta file is not an instance; ignored", false);
            }
            return;
        }

        FileCodec.Meta meta;
        try {
            meta = codec.readMeta(metaFile);
        } catch (CorruptFileException e) {
            quarantineUnknown(dir, dirName, idFromName, e.file(), e.offset(), e.reason());
            return;
        } catch (IOException e) {
            quarantineUnknown(dir, dirName, idFromName, metaFile, 0, "cannot read it: " + e);
            return;
        }
        if (!Layout.dirName(meta.id()).equals(dirName)) {
            quarantineUnknown(dir, dirName, idFromName, metaFile, Frames.HEADER, "the meta file holds instance id '"
                    + meta.id() + "', whose directory would be " + Layout.dirName(meta.id()));
            return;
        }
        if (state.get(meta.id()) != null) {
            problem(meta.id(), dir, 0, "a second directory for instance '" + meta.id() + "'; ignored", false);
            return;
        }
        State.Inst inst = state.add(meta.id(), dirName, meta.info());
        inst.historyEvents = meta.historyEvents();
        inst.historyBytes = meta.historyBytes();

        if (!checkHistories(inst, dir, meta)) {
            return;
        }
        List<Object[]> messages = new ArrayList<>();
        for (Map.Entry<Long, Path> e : messageFiles.entrySet()) {
            Path f = e.getValue();
            try {
                FileCodec.MessageFile m = codec.readMessage(f);
                if (!m.instanceId().equals(meta.id())) {
                    quarantine(inst, f, Frames.HEADER, "the message is addressed to instance '" + m.instanceId()
                            + "' but lies in the directory of instance '" + meta.id() + "'");
                    return;
                }
                messages.add(new Object[] {e.getKey(),
                        new OrchestratorMessage(m.instanceId(), m.executionId(), m.event(), m.visibleAt())});
            } catch (CorruptFileException x) {
                quarantine(inst, x.file(), x.offset(), x.reason());
                return;
            } catch (IOException x) {
                quarantine(inst, f, 0, "cannot read it: " + x);
                return;
            }
        }
        List<Object[]> work = new ArrayList<>();
        for (Map.Entry<Long, Path> e : workFiles.entrySet()) {
            Path f = e.getValue();
            try {
                ActivityWorkItem w = codec.readWork(f);
                if (!w.instanceId().equals(meta.id())) {
                    quarantine(inst, f, Frames.HEADER, "the work item belongs to instance '" + w.instanceId()
                            + "' but lies in the directory of instance '" + meta.id() + "'");
                    return;
                }
                work.add(new Object[] {e.getKey(), w});
            } catch (CorruptFileException x) {
                quarantine(inst, x.file(), x.offset(), x.reason());
                return;
            } catch (IOException x) {
                quarantine(inst, f, 0, "cannot read it: " + x);
                return;
            }
        }
        for (Object[] m : messages) {
            state.addMessage(inst, (Long) m[0], (OrchestratorMessage) m[1], now);
        }
        for (Object[] w : work) {
            state.addWork(inst, (Long) w[0], (ActivityWorkItem) w[1], now);
        }
    }

    /** Checks the current execution's history size (and, with verification on, every history); false if quarantined. */
    private boolean checkHistories(State.Inst inst, Path dir, FileCodec.Meta meta) throws IOException {
        Path current = layout.resolve(Layout.history(inst.dirName, meta.executionId()));
        List<Path> histories = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "history-*.log")) {
            for (Path f : files) {
                histories.add(f);
                String gap = gaps.get(f);
                if (gap != null) {
                    quarantine(inst, f, 0, gap);
                    return false;
                }
            }
        }
        if (meta.historyBytes() > 0) {
            long size;
            try {
                size = Files.size(current);
            } catch (NoSuchFileException e) {
                quarantine(inst, current, 0, "the history file is missing, but the metadata says " + meta.historyEvents()
                        + " events (" + meta.historyBytes() + " bytes) were committed to it");
                return false;
            }
            if (size < meta.historyBytes()) {
                quarantine(inst, current, size, "the file holds " + size + " bytes but the metadata says "
                        + meta.historyBytes() + " were committed to it (it was truncated)");
                return false;
            }
        }
        if (verifyHistories) {
            for (Path f : histories) {
                long execution = Layout.historyExecution(f.getFileName().toString());
                if (execution < 1 || execution > meta.executionId()) {
                    continue;
                }
                boolean isCurrent = execution == meta.executionId();
                try {
                    codec.readHistory(f, isCurrent ? meta.historyBytes() : -1, isCurrent ? meta.historyEvents() : -1);
                } catch (CorruptFileException e) {
                    quarantine(inst, e.file(), e.offset(), e.reason());
                    return false;
                }
            }
        }
        return true;
    }

    /** The {@code <seq><suffix>} files of a directory (none if it does not exist), by sequence number. */
    private TreeMap<Long, Path> files(Path dir, String suffix, String instanceId) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                long seq = Layout.seqOf(f.getFileName().toString(), suffix);
                if (seq > 0) {
                    out.put(seq, f);
                } else {
                    problem(instanceId, f, 0, "an unexpected file (not <number>" + suffix + "); ignored", false);
                }
            }
        }
        return out;
    }

    /** Quarantines an instance whose metadata is unreadable: it is known only by its directory name. */
    private void quarantineUnknown(Path dir, String dirName, String idFromName, Path file, long offset, String reason)
            throws IOException {
        String id = idFromName != null ? idFromName : dirName;
        if (state.get(id) != null) {
            problem(id, file, offset, reason + "; a second directory for the instance, ignored", false);
            return;
        }
        Instant modified = Files.getLastModifiedTime(dir).toInstant();
        InstanceInfo placeholder = new InstanceInfo(id, null, null, 1, RuntimeStatus.FAILED, null, null, null, null, null,
                modified, modified);
        quarantine(state.add(id, dirName, placeholder), file, offset, reason);
    }

    private void quarantine(State.Inst inst, Path file, long offset, String reason) {
        FsProblem p = new FsProblem(inst.id, file, offset, reason + "; the instance is quarantined", true);
        log.error("{}", p);
        state.quarantine(inst, p);
    }

    private void problem(String instanceId, Path file, long offset, String message, boolean quarantined) {
        FsProblem p = new FsProblem(instanceId, file, offset, message, quarantined);
        log.warn("{}", p);
        state.problems.add(p);
    }
}
