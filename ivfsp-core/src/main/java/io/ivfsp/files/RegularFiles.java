package io.ivfsp.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reading files that anyone with write access to a directory could have replaced: the type is
 * checked with {@code lstat} before anything is opened (a FIFO would block the open, a device could
 * be endless), links are never followed, and reads are capped in size.
 *
 * <pre>{@code
 * byte[] manifest = RegularFiles.read(dir.resolve(".ivfsp-manifest.json"), 4 << 20);
 * }</pre>
 */
public final class RegularFiles {

    private RegularFiles() {
    }

    /**
     * The attributes of {@code path} itself (a link is not followed), if something is there.
     *
     * @throws IOException if it cannot be examined
     */
    public static Optional<BasicFileAttributes> lstat(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** What the attributes describe, in words: "a symbolic link", "a directory", "a regular file", ... */
    public static String kind(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isRegularFile()) {
            return "a regular file";
        }
        return "a FIFO, socket or device";
    }

    /**
     * The attributes of the regular file at {@code path}, checked without opening or following it.
     *
     * @throws NoSuchFileException      if nothing is there
     * @throws NotARegularFileException if something else is there
     */
    public static BasicFileAttributes requireRegular(Path path) throws IOException {
        BasicFileAttributes a = lstat(path).orElse(null);
        if (a == null) {
            throw new NoSuchFileException(path.toString());
        }
        if (!a.isRegularFile()) {
            throw new NotARegularFileException(path, kind(a));
        }
        return a;
    }

    /**
     * The content of the regular file at {@code path}, at most {@code maxBytes}.
     *
     * @throws NoSuchFileException      if nothing is there
     * @throws NotARegularFileException if something other than a regular file is there
     * @throws FileTooLargeException    if it holds more than {@code maxBytes}
     * @throws FileReplacedException   if another file was renamed over it while it was being opened
     * @throws IOException              if it cannot be read
     */
    public static byte[] read(Path path, long maxBytes) throws IOException {
        if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBytes must be within 0.." + (Integer.MAX_VALUE - 16) + ": " + maxBytes);
        }
        try (FileChannel ch = open(path)) {
            long size = ch.size();
            if (size > maxBytes) {
                throw new FileTooLargeException(path, size, maxBytes);
            }
            // The file may grow after its size was taken: count what is read, not what stat said. The buffer
            // has room for one byte more than the size (and grows), so that growth is seen; sized to the file, not
            // a fixed chunk: a warm run reads dozens of small files, and zeroing 64 KiB for each showed.
            byte[] buf = new byte[(int) Math.min(size + 1, maxBytes + 1)];
            int total = 0;
            int n;
            while ((n = ch.read(ByteBuffer.wrap(buf, total, buf.length - total))) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new FileTooLargeException(path, total, maxBytes);
                }
                if (total == buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, maxBytes + 1));
                }
            }
            return Arrays.copyOf(buf, total);
        }
    }

    /**
     * Opens the regular file at {@code path} for reading, after checking its type and never through a
     * link; the caller closes the stream.
     *
     * @throws NoSuchFileException      if nothing is there
     * @throws NotARegularFileException if something other than a regular file is there
     */
    public static InputStream newInputStream(Path path) throws IOException {
        return Channels.newInputStream(open(path));
    }

    private static FileChannel open(Path path) throws IOException {
        BasicFileAttributes before = requireRegular(path);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            // Replaced between the check and the open: what was opened is not what was checked.
            BasicFileAttributes after = requireRegular(path);
            if (!Objects.equals(before.fileKey(), after.fileKey())) {
                throw new FileReplacedException(path);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The regular file a possibly linked path leads to, for files an installation may reach through
     * links (a toolkit's {@code latest} directory): the links are resolved without opening anything,
     * then the real file is checked like any other.
     *
     * @throws NoSuchFileException      if nothing is there
     * @throws NotARegularFileException if the real file is not a regular file
     */
    public static Path realRegularFile(Path path) throws IOException {
        Path real = path.toRealPath();
        requireRegular(real);
        return real;
    }
}
