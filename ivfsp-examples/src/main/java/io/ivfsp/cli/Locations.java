package io.ivfsp.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/** Checks of the directories a command will write or read, made before any work starts. */
final class Locations {

    private Locations() {
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
        return Optional.empty();
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
