package io.duratask.fs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where everything lives under the store's root directory. Paths inside journal records are relative
 * to the root, with {@code /} separators, so that a store can be moved.
 *
 * <pre>
 * root/
 *   format                        "duratask-fs 1": the layout version
 *   lock                          held with FileChannel.tryLock while a provider has the store open
 *   journal/0000000000000001.journal   commit journal segments
 *   instances/&lt;dir&gt;/meta           the instance's metadata (one frame)
 *   instances/&lt;dir&gt;/history-&lt;n&gt;.log  execution n's events, one frame each, append-only
 *   instances/&lt;dir&gt;/messages/&lt;seq&gt;.msg  one orchestrator message per file
 *   instances/&lt;dir&gt;/work/&lt;seq&gt;.work    one activity work item per file
 * </pre>
 *
 * <p>Directory names are made from instance ids: {@code a-z 0-9 . _ -} stay as they are, an upper-case
 * letter becomes {@code ^} and the lower-case letter (so that two ids differing in case never share a
 * directory on a case-insensitive file system), anything else is {@code %XX} per UTF-8 byte, and a
 * leading dot is escaped. Names longer than {@value #MAX_DIR_NAME} characters are shortened to a prefix
 * plus a SHA-256 digest of the id. The {@code meta} file always holds the exact id.
 */
final class Layout {
    static final String FORMAT_FILE = "format";
    static final String FORMAT = "duratask-fs 1";
    static final String LOCK_FILE = "lock";
    static final String JOURNAL_DIR = "journal";
    static final String INSTANCES_DIR = "instances";
    static final String META = "meta";
    static final String MESSAGES = "messages";
    static final String WORK = "work";
    static final int MAX_DIR_NAME = 120;

    private final Path root;

    Layout(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path journalDir() {
        return root.resolve(JOURNAL_DIR);
    }

    Path instancesDir() {
        return root.resolve(INSTANCES_DIR);
    }

    /** A root-relative path as journal records hold it, resolved. */
    Path resolve(String relative) {
        return root.resolve(relative);
    }

    // ---- root-relative paths of one instance's files ----------------------------------------------------

    static String instanceDir(String dirName) {
        return INSTANCES_DIR + "/" + dirName;
    }

    static String meta(String dirName) {
        return instanceDir(dirName) + "/" + META;
    }

    static String history(String dirName, long executionId) {
        return instanceDir(dirName) + "/history-" + executionId + ".log";
    }

    static String message(String dirName, long seq) {
        return instanceDir(dirName) + "/" + MESSAGES + "/" + seq + ".msg";
    }

    static String work(String dirName, long seq) {
        return instanceDir(dirName) + "/" + WORK + "/" + seq + ".work";
    }

    /** The execution a history file name belongs to, or -1 if {@code fileName} is not one. */
    static long historyExecution(String fileName) {
        if (!fileName.startsWith("history-") || !fileName.endsWith(".log")) {
            return -1;
        }
        return parsePositive(fileName.substring("history-".length(), fileName.length() - ".log".length()));
    }

    /** The sequence number in a {@code <seq>.<suffix>} file name, or -1. */
    static long seqOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            return -1;
        }
        return parsePositive(fileName.substring(0, fileName.length() - suffix.length()));
    }

    private static long parsePositive(String digits) {
        if (digits.isEmpty() || digits.length() > 18) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        long n = Long.parseLong(digits);
        return n > 0 ? n : -1;
    }

    /** The directory name of an instance id (see the class comment). */
    static String dirName(String instanceId) {
        StringBuilder out = new StringBuilder(instanceId.length() + 8);
        byte[] utf8 = instanceId.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-' || (b == '.' && i > 0)) {
                out.append((char) b);
            } else if (b >= 'A' && b <= 'Z') {
                out.append('^').append((char) (b + ('a' - 'A')));
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) b));
            }
        }
        if (out.length() <= MAX_DIR_NAME) {
            return out.toString();
        }
        return out.substring(0, MAX_DIR_NAME - 34) + "~" + digest(utf8);
    }

    /**
     * The instance id a directory name stands for, or null if it was shortened with a digest (the meta
     * file then holds the id) or is not a name {@link #dirName} makes.
     */
    static String idOf(String dirName) {
        if (dirName.contains("~")) {
            return null;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(dirName.length());
        for (int i = 0; i < dirName.length(); i++) {
            char c = dirName.charAt(i);
            if (c == '^' && i + 1 < dirName.length()) {
                bytes.write(Character.toUpperCase(dirName.charAt(++i)));
            } else if (c == '%' && i + 2 < dirName.length()) {
                try {
                    bytes.write(HexFormat.fromHexDigits(dirName, i + 1, i + 3));
                } catch (IllegalArgumentException e) {
                    return null;
                }
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        String id = bytes.toString(StandardCharsets.UTF_8);
        return dirName(id).equals(dirName) ? id : null;
    }

    private static String digest(byte[] utf8) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(utf8);
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
