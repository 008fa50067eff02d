package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.bytedeco.javacpp.BytePointer;

/**
 * What in-process ATC shares with the whole process: the one lock that serializes its calls, the C
 * environment it reads its settings from, and the private {@code ASCEND_WORK_PATH} its side files land in.
 */
final class AtcEnvironment {

    /** ATC is not reentrant: one compile at a time in the whole process. Also guards the environment. */
    static final Object LOCK = new Object();

    /** The private ASCEND_WORK_PATH this class set, or null when the environment had one. Guarded by LOCK. */
    private static Path ownWorkPath;
    private static boolean workPathChecked;

    private AtcEnvironment() {
    }

    /** Sets ASCEND_WORK_PATH once per process to a private directory, unless the environment has one. */
    static void preparePrivateWorkPath() {
        synchronized (LOCK) {
            if (workPathChecked) {
                return;
            }
            workPathChecked = true;
            if (cEnv("ASCEND_WORK_PATH").filter(s -> !s.isEmpty()).isPresent()) {
                return;
            }
            try {
                Path dir = Files.createTempDirectory("ivfsp-atc-work-");
                setCEnv("ASCEND_WORK_PATH", dir.toString());
                ownWorkPath = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "ivfsp-atc-work-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a private ASCEND_WORK_PATH for in-process ATC", e);
            }
        }
    }

    /** Sets TE_PARALLEL_COMPILER, only when the value changes. Holds LOCK. */
    static void compileWorkers(int workers) {
        String value = String.valueOf(workers);
        if (!cEnv("TE_PARALLEL_COMPILER").equals(Optional.of(value))) {
            setCEnv("TE_PARALLEL_COMPILER", value);
        }
    }

    /** A variable of the C environment (what ATC sees), or empty. */
    static Optional<String> cEnv(String name) {
        try (BytePointer key = NativeAcl.utf8(name)) {
            return NativeAcl.string(AclLibrary.ivfsp_getenv(key));
        }
    }

    private static void setCEnv(String name, String value) {
        try (BytePointer key = NativeAcl.utf8(name); BytePointer v = NativeAcl.utf8(value)) {
            int errno = AclLibrary.ivfsp_setenv(key, v);
            if (errno != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed with errno " + errno);
            }
        }
    }

    /** Moves what ATC left in the private ASCEND_WORK_PATH into the job's work directory. Holds LOCK. */
    static void collectSideFiles(Path workDirectory) {
        if (ownWorkPath == null) {
            return;
        }
        try (Stream<Path> s = Files.list(ownWorkPath)) {
            for (Path p : s.toList()) {
                moveTree(p, workDirectory.resolve(p.getFileName()));
            }
        } catch (IOException e) {
            // Left behind, they are overwritten or moved by the next compile; the job's result stands.
        }
    }

    /** Moves a file or a directory tree, also to another file system; links are moved as links. */
    private static void moveTree(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            return;
        } catch (IOException e) {
            // a non-empty directory to another file system: copy, then delete
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        deleteTree(from);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // at exit: nothing more to do
        }
    }
}
