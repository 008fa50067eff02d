package io.ivfsp.store;

import io.ivfsp.files.FileReplacedException;
import io.ivfsp.files.FileTooLargeException;
import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.files.RegularFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads manifests without their lock, as other generators replace them: capped in size, parsed without
 * trusting the text, read again when a replacement met the read, and cached until the file changes.
 */
final class ManifestReader {

    /** The largest manifest read: 45 entries take a few hundred KB. */
    static final long MAX_BYTES = 4L << 20;
    /**
     * How long before a read a manifest must have last changed for the read to be cached: a file written
     * since then has a later modification time, so it cannot pass for the cached one even if it reuses its
     * inode and size, on file systems whose clock ticks in seconds too (as {@link ModelStat}'s racy margin).
     */
    static final long SETTLED_MILLIS = ModelStat.RACY_MARGIN_SECONDS * 1000;
    /**
     * How many reads of a manifest that each met a replacement are made without its lock, then again
     * under it, before it counts as empty for this read.
     */
    static final int MAX_READS = 8;

    private final Map<Path, CachedManifest> cache = new ConcurrentHashMap<>();
    private final StoreFaults faults;

    ManifestReader(StoreFaults faults) {
        this.faults = faults;
    }

    /**
     * Reads the manifest of {@code dir}, from the cache when {@code useCache} and its file is unchanged.
     * Other generators replace it by renames at any time, so a read that met a replacement (the file changed between its check, its opening and the stat after
     * reading) is done again: the result is one whole version, or unusable after {@link #MAX_READS}
     * tries, never a manifest read as empty because it was being replaced.
     */
    Read read(Path dir, boolean useCache) {
        Path p = dir.resolve(Manifest.FILE_NAME);
        for (int attempt = 1; ; attempt++) {
            long started = System.currentTimeMillis();
            BasicFileAttributes attrs;
            try {
                Optional<BasicFileAttributes> a = RegularFiles.lstat(p);
                if (a.isEmpty()) {
                    return Read.of(Manifest.empty());
                }
                attrs = a.get();
            } catch (IOException e) {
                return unusable(e.toString());
            }
            if (!attrs.isRegularFile()) {
                return new Read(Manifest.empty(), Optional.empty(), Optional.of(RegularFiles.kind(attrs)), Optional.empty(), 0);
            }
            CachedManifest cached = useCache ? cache.get(p) : null;
            if (cached != null && cached.matches(attrs)) {
                return Read.of(cached.manifest());
            }
            String text;
            boolean stable;
            try {
                faults.whileReading(p);
                byte[] bytes = RegularFiles.read(p, MAX_BYTES);
                Optional<BasicFileAttributes> after = RegularFiles.lstat(p);
                stable = after.isPresent() && CachedManifest.of(attrs, null).matches(after.get());
                text = utf8(bytes);
            } catch (FileReplacedException e) {
                if (attempt < MAX_READS) {
                    continue;
                }
                return unusable("replaced at each of " + MAX_READS + " reads");
            } catch (FileTooLargeException e) {
                return corrupt(Manifest.empty(), "larger than " + MAX_BYTES + " bytes", attrs.size());
            } catch (CharacterCodingException e) {
                return corrupt(Manifest.empty(), "not UTF-8 text", attrs.size());
            } catch (NotARegularFileException e) {
                return new Read(Manifest.empty(), Optional.empty(), Optional.of(e.kind()), Optional.empty(), 0);
            } catch (NoSuchFileException e) {
                // Gone since the stat: nothing there now.
                return Read.of(Manifest.empty());
            } catch (IOException e) {
                return unusable(e.toString());
            }
            if (!stable) {
                // Replaced (or written in place) while read: what was read may be a mix, or newer than attrs.
                if (attempt < MAX_READS) {
                    continue;
                }
                return unusable("replaced at each of " + MAX_READS + " reads");
            }
            Manifest.Parsed parsed = Manifest.parseLeniently(text);
            if (!parsed.problems().isEmpty()) {
                return corrupt(parsed.manifest(), parsed.problems().get(0)
                        + (parsed.problems().size() > 1 ? " and " + (parsed.problems().size() - 1) + " more" : ""), attrs.size());
            }
            if (attrs.lastModifiedTime().toMillis() < started - SETTLED_MILLIS) {
                cache.put(p, CachedManifest.of(attrs, parsed.manifest()));
            }
            return Read.of(parsed.manifest());
        }
    }

    /**
     * The text of a manifest, which must be UTF-8. One the store wrote is ASCII: decoded as such, a string made
     * at once (no replacement character then, which a Latin-1 string cannot even hold); any other strictly.
     */
    static String utf8(byte[] bytes) throws CharacterCodingException {
        String ascii = new String(bytes, StandardCharsets.US_ASCII);
        if (ascii.indexOf('\uFFFD') < 0) {
            return ascii;
        }
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * What reading gave: the manifest as far as valid, what was corrupt (with the file's size), what
     * non-file is in its place, or why it could not be read at all (an I/O error, or replaced at every
     * one of {@link #MAX_READS} reads): then the manifest is empty.
     */
    record Read(Manifest manifest, Optional<String> problem, Optional<String> notRegular,
                        Optional<String> unusable, long size) {
        static Read of(Manifest m) {
            return new Read(m, Optional.empty(), Optional.empty(), Optional.empty(), 0);
        }
    }

    static Read corrupt(Manifest kept, String problem, long size) {
        return new Read(kept, Optional.of(problem), Optional.empty(), Optional.empty(), size);
    }

    static Read unusable(String why) {
        return new Read(Manifest.empty(), Optional.empty(), Optional.empty(), Optional.of(why), 0);
    }

    /**
     * A parsed manifest and the attributes of the file it was read from: every write replaces it by a
     * rename, so a file with other attributes is read again.
     */
    private record CachedManifest(Object fileKey, FileTime modified, long size, Manifest manifest) {
        static CachedManifest of(BasicFileAttributes a, Manifest m) {
            return new CachedManifest(a.fileKey(), a.lastModifiedTime(), a.size(), m);
        }

        boolean matches(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }
}
