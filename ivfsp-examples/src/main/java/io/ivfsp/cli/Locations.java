package io.ivfsp.cli;

import io.ivfsp.ops.ModelPlan;
import io.ivfsp.store.ModelInstaller;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Checks of the directories a command will write or read, made before any work starts. */
final class Locations {

    private Locations() {
    }

    /** Adds to {@code problems} why {@code dir} cannot be a directory to write into, if it cannot. */
    static void checkDirectory(String flag, Path dir, List<String> problems) {
        Optional<String> why = unusableDirectory(flag, dir);   // (not ifPresent(problems::add): linked at every start)
        if (why.isPresent()) {
            problems.add(why.get());
        }
    }

    /**
     * Why {@code dir} cannot be a directory to write into (it is a file, or it is not writable, or it
     * does not exist and its nearest existing ancestor is not a writable directory); empty when it can.
     */
    static Optional<String> unusableDirectory(String flag, Path dir) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of(flag + " " + dir + ": no part of this path exists");
        }
        boolean self = existing.equals(dir.toAbsolutePath().normalize());
        String subject = self ? "" : " (cannot create it: " + existing + ")";
        if (!Files.isDirectory(existing)) {
            return Optional.of(flag + " " + dir + subject + ": is not a directory");
        }
        if (!Files.isWritable(existing)) {
            return Optional.of(flag + " " + dir + subject + ": is not writable");
        }
        if (!self) {
            return creationFailure(existing, dir.toAbsolutePath().normalize())
                    .map(why -> flag + " " + dir + " (cannot create it): " + why);
        }
        return Optional.empty();
    }

    /**
     * Creates the missing directories from {@code existing} down to {@code target}, then removes those
     * it created; why that failed, if it did. Permission bits do not stop root, but a pseudo file system
     * such as /proc or /sys does, and a run must not find that out after compiling.
     */
    private static Optional<String> creationFailure(Path existing, Path target) {
        Deque<Path> created = new ArrayDeque<>();
        try {
            Path p = existing;
            for (Path name : existing.relativize(target)) {
                p = p.resolve(name);
                try {
                    Files.createDirectory(p);
                    created.push(p);
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        return Optional.of(p + " exists and is not a directory");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(reason(e));
        } finally {
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // another process has started to use it: leave it
                }
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        return e.toString();
    }

    /**
     * Why the models of {@code plans} could not be installed into {@code dir}, checked before any compile: a link,
     * a foreign object or an unencodable name there would otherwise be found only after every model is compiled.
     */
    static Optional<String> uninstallable(List<ModelPlan> plans, Path dir) {
        List<String> names = plans.stream().flatMap(p -> p.files().stream())
                .flatMap(f -> f.omFileNames().stream()).distinct().toList();
        try {
            ModelInstaller.check(names, dir);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Why {@code dir} cannot be read as a directory; empty when it can. */
    static Optional<String> unreadableDirectory(String flag, Path dir) {
        if (!Files.exists(dir)) {
            return Optional.of(flag + " " + dir + ": does not exist");
        }
        if (!Files.isDirectory(dir)) {
            return Optional.of(flag + " " + dir + ": is not a directory");
        }
        if (!Files.isReadable(dir)) {
            return Optional.of(flag + " " + dir + ": is not readable");
        }
        return Optional.empty();
    }
}
