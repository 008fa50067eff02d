package io.ivfsp.cli;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code s3://} registry and the AWS SDK it needs (some thirty jars) sit in {@code lib/remote}
 * beside the CLI's other libraries, off the launcher's class path: looking up a service opens every
 * jar of the class path, which cost a warm run that uses no registry tens of milliseconds. A command
 * that may use a registry runs its {@code main} again in a class loader that sees them too.
 */
final class RemoteClassPath {

    /** The subcommands that take the registry options besides the generators. */
    private static final Set<String> REGISTRY_COMMANDS = Set.of("fetch", "publish", "doctor");
    private static final int MAX_JARS = 256;

    private RemoteClassPath() {
    }

    /**
     * Whether {@code args} may use a registry: a registry command, or a generator given an option that
     * starts like the registry options' (argparse takes any unambiguous prefix) or run with
     * {@code $IVFSP_REMOTE}.
     */
    static boolean mayUseRegistry(String[] args, Map<String, String> environment, Set<String> generators) {
        if (args.length == 0) {
            return false;
        }
        if (REGISTRY_COMMANDS.contains(args[0])) {
            return true;
        }
        if (!generators.contains(args[0])) {
            return false;
        }
        String variable = environment.get(io.ivfsp.remote.RemoteSettings.ENVIRONMENT_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return true;
        }
        for (String a : args) {
            if (a.startsWith("--r")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The jars of {@code lib/remote} beside the jar holding {@code anchor}; empty when {@code anchor} is not in
     * a jar (a build's classes, a test) or there is no such directory (its libraries are then on the class path,
     * or absent).
     */
    static List<Path> jars(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            return List.of();
        }
        Path jar;
        try {
            jar = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return List.of();
        }
        Path dir = jar.resolveSibling("lib").resolve("remote");
        if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().limit(MAX_JARS).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Runs {@code mainClass.main(args)} again in a class loader that sees the class path and {@code jars}, when
     * {@code mainClass} is not already running in one; returns whether it did (it then returns only if that
     * main returns).
     */
    static boolean rerunWith(List<Path> jars, Class<?> mainClass, String[] args) throws Throwable {
        if (jars.isEmpty() || mainClass.getClassLoader() != ClassLoader.getSystemClassLoader()) {
            return false;
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                urls.add(url(Path.of(entry)));
            }
        }
        for (Path jar : jars) {
            urls.add(url(jar));
        }
        URLClassLoader loader = new URLClassLoader("ivfsp-remote", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class.forName(mainClass.getName(), true, loader).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw Optional.ofNullable(e.getCause()).orElse(e);
        }
        return true;
    }

    private static URL url(Path p) throws MalformedURLException {
        return p.toAbsolutePath().toUri().toURL();
    }
}
