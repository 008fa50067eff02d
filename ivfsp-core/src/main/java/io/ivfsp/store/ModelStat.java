package io.ivfsp.store;

import io.ivfsp.ops.NameChars;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What {@code lstat} said of a model file when the store last knew its content (placed it, or read it
 * and found its SHA-256 right), and when that was: as in ccache's direct mode and Bazel's digest cache, a
 * model whose size, modification time, file key (device and inode) and change time are still those is
 * trusted without reading it.
 *
 * <p>Racy files, as git calls them: a file rewritten within one tick of the file system's clock after it
 * was examined keeps its modification time. So a stat is trusted only when the file's modification
 * and change times are {@value #RACY_MARGIN_SECONDS} s or more older than the moment it was taken (a
 * margin wider than the coarsest timestamps of common file systems, FAT's 2 s); a younger one is checked
 * by hash, and then taken again.
 *
 * @param size        size in bytes
 * @param mtimeNanos  modification time, nanoseconds since the epoch (as precise as the file system keeps it)
 * @param ctimeNanos  status change time, where the file system tells it (Linux, macOS)
 * @param fileKey     the file's identity ({@link BasicFileAttributes#fileKey()}, device and inode), as text
 * @param recordedNanos when the stat was taken, nanoseconds since the epoch
 */
record ModelStat(long size, long mtimeNanos, OptionalLong ctimeNanos, String fileKey, long recordedNanos) {

    /** How much older than its recording a file must be for its stat to be trusted. */
    static final long RACY_MARGIN_SECONDS = 2;
    private static final long RACY_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(RACY_MARGIN_SECONDS);

    /** @throws IllegalArgumentException if the size is negative or the file key not one the JDK prints */
    ModelStat {
        if (size < 0) {
            throw new IllegalArgumentException("stat size must not be negative: " + size);
        }
        if (!isFileKey(fileKey)) {
            throw new IllegalArgumentException("not a file key: " + ModelNames.quote(String.valueOf(fileKey)));
        }
    }

    /**
     * The stat of the regular file at {@code path} now (a link is not followed); empty if nothing, or
     * something other than a regular file, is there, or the file system gives no file key.
     *
     * @throws IOException if it cannot be examined
     */
    static Optional<ModelStat> of(Path path) throws IOException {
        Map<String, Object> unix;
        BasicFileAttributes basic = null;
        try {
            // One lstat; the unix view adds the change time, which utimes cannot set back.
            unix = Files.readAttributes(path, "unix:size,lastModifiedTime,ctime,fileKey,isRegularFile",
                    LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            unix = null;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long now = nowNanos();
        if (unix == null) {
            try {
                basic = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            now = nowNanos();
            if (!basic.isRegularFile() || basic.fileKey() == null) {
                return Optional.empty();
            }
            return Optional.of(new ModelStat(basic.size(), nanos(basic.lastModifiedTime()), OptionalLong.empty(),
                    basic.fileKey().toString(), now));
        }
        if (!Boolean.TRUE.equals(unix.get("isRegularFile")) || unix.get("fileKey") == null) {
            return Optional.empty();
        }
        return Optional.of(new ModelStat((Long) unix.get("size"), nanos((FileTime) unix.get("lastModifiedTime")),
                OptionalLong.of(nanos((FileTime) unix.get("ctime"))), unix.get("fileKey").toString(), now));
    }

    /**
     * Whether a file whose stat is now {@code current} may be trusted to hold what it held when this
     * stat was recorded: same size, modification time, file key and change time (when both tell it),
     * and this stat was not taken within the racy margin of the file's last change.
     */
    boolean vouchesFor(ModelStat current) {
        if (size != current.size || mtimeNanos != current.mtimeNanos || !fileKey.equals(current.fileKey)) {
            return false;
        }
        if (ctimeNanos.isPresent() != current.ctimeNanos.isPresent()
                || (ctimeNanos.isPresent() && ctimeNanos.getAsLong() != current.ctimeNanos.getAsLong())) {
            return false;
        }
        long changed = Math.max(mtimeNanos, ctimeNanos.orElse(Long.MIN_VALUE));
        // Subtraction, not addition: no overflow for any recorded value.
        return changed < recordedNanos && recordedNanos - changed >= RACY_MARGIN_NANOS;
    }

    /** Whether two stats describe the same file state (the recording times aside). */
    boolean sameFileAs(ModelStat other) {
        return size == other.size && mtimeNanos == other.mtimeNanos && ctimeNanos.equals(other.ctimeNanos)
                && fileKey.equals(other.fileKey);
    }

    /** The JSON object written in the manifest. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", size);
        m.put("mtime_ns", mtimeNanos);
        ctimeNanos.ifPresent(c -> m.put("ctime_ns", c));
        m.put("file_key", fileKey);
        m.put("recorded_ns", recordedNanos);
        return m;
    }

    /**
     * Whether {@code s} is a file key as the JDK prints it, e.g. {@code (dev=803,ino=1234567)}: bounded, no
     * path, no control characters; as a pattern, {@code [A-Za-z0-9=(),:_.-]{1,128}} (checked character by
     * character: compiling a pattern links lambdas of the JDK's, on the warm path of every fresh JVM).
     */
    static boolean isFileKey(String s) {
        if (s == null || s.isEmpty() || s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!NameChars.isNameChar(c) && c != '=' && c != '(' && c != ')' && c != ',' && c != ':') {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the JSON object of a manifest, which is untrusted: each field type-checked.
     *
     * @throws IllegalArgumentException if it is not an object with integer times and size and a file key
     */
    static ModelStat fromJson(Object o) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("a model stat is not an object");
        }
        Object ctime = m.get("ctime_ns");
        if (ctime != null && !(ctime instanceof Long)) {
            throw new IllegalArgumentException("a model stat's ctime_ns is not an integer");
        }
        if (!(m.get("file_key") instanceof String key)) {
            throw new IllegalArgumentException("a model stat has no file key");
        }
        return new ModelStat(integer(m, "size"), integer(m, "mtime_ns"),
                ctime == null ? OptionalLong.empty() : OptionalLong.of((Long) ctime), key, integer(m, "recorded_ns"));
    }

    private static long integer(Map<?, ?> m, String field) {
        if (!(m.get(field) instanceof Long v)) {
            throw new IllegalArgumentException("a model stat's " + field + " is not an integer");
        }
        return v;
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);  // saturates outside the years 1677-2262
    }

    private static long nowNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
