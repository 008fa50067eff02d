package io.ivfsp.store;

import io.ivfsp.compile.FileNameEncoding;
import io.ivfsp.files.RegularFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Places generated models where mxIndex reads them ({@code MX_INDEX_MODELPATH}): one directory
 * holding every model, training models included. Each model is copied beside its target and moved
 * into place atomically. The directory's path must not contain symbolic links: ACL refuses such a
 * model path.
 */
public final class ModelInstaller {

    private ModelInstaller() {
    }

    /**
     * Checks, without writing anything, that models of these file names can be installed into
     * {@code directory}: to be called before compiling, so that a bad target is refused at once rather
     * than after every model is compiled.
     *
     * @return the directory, absolute and normalized
     * @throws OutputRefusedException if its name cannot be represented in the locale's file-name encoding,
     *                                its path contains a symbolic link, or anything but a regular file is
     *                                in place of one of the models
     * @throws IOException            if the path cannot be examined
     */
    public static Path check(Collection<String> modelFileNames, Path directory) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        // A name the locale cannot encode (or one that did not decode) would be written as other bytes:
        // into another directory, which mxIndex would never read.
        FileNameEncoding.problem(dir).ifPresent(why -> {
            throw new OutputRefusedException(dir, why);
        });
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && !existing.toRealPath().equals(existing)) {
            throw new OutputRefusedException(dir, "its path contains a symbolic link (" + existing + " is really "
                    + existing.toRealPath() + "); ACL rejects model paths with links, use the real path");
        }
        StoreLayout.checkDirectory(dir, "the install directory");
        for (String name : modelFileNames) {
            StoreLayout.checkFile(dir.resolve(name), "a model");
        }
        return dir;
    }

    /**
     * Copies the models into {@code directory}, creating it if needed.
     *
     * @return the installed files, in the order of {@code models}
     * @throws OutputRefusedException if the path contains a symbolic link or cannot be represented in the
     *                                locale's file-name encoding, a target is anything but a regular file,
     *                                or two models would take the same name
     * @throws IOException            if copying fails; models already installed stay complete
     */
    public static List<Path> install(List<? extends ModelFile> models, Path directory) throws IOException {
        Map<String, String> names = new HashMap<>();
        for (ModelFile m : models) {
            String name = m.path().getFileName().toString();
            String previous = names.putIfAbsent(name, m.sha256());
            if (previous != null && !previous.equals(m.sha256())) {
                throw new OutputRefusedException(directory.toAbsolutePath().normalize().resolve(name),
                        "two different models would take this name");
            }
        }
        Path dir = check(names.keySet(), directory);
        AtomicFiles.createDirectories(dir);
        List<Path> installed = new ArrayList<>();
        for (ModelFile m : models) {
            Path target = dir.resolve(m.path().getFileName().toString());
            Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                try (InputStream in = RegularFiles.newInputStream(m.path())) {
                    try {
                        Files.copy(in, tmp);  // a new file: never through a link planted at tmp
                    } catch (IOException e) {
                        throw AtomicFiles.failure("copy " + m.path() + " to", tmp, e);
                    }
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            installed.add(target);
        }
        return installed;
    }
}
