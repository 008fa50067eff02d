package io.ivfsp.atc;

import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.files.RegularFiles;
import io.ivfsp.files.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A CANN toolkit directory (e.g. {@code /usr/local/Ascend/ascend-toolkit/latest}) holding
 * {@code bin/atc}, {@code lib64}, {@code opp} and {@code python/site-packages}.
 *
 * <pre>{@code
 * AtcToolkit toolkit = AtcToolkit.discover();          // $ASCEND_HOME/$ASCEND_VERSION
 * AtcToolkit explicit = AtcToolkit.at(Path.of("/opt/cann/latest"));
 * }</pre>
 *
 * @param home   the toolkit directory
 * @param origin how the directory was found, for error messages
 */
public record AtcToolkit(Path home, String origin) {

    /** Default of {@code ASCEND_HOME}, as in the reference scripts. */
    public static final String DEFAULT_ASCEND_HOME = "/usr/local/Ascend";
    /** Default of {@code ASCEND_VERSION}, as in the reference scripts. */
    public static final String DEFAULT_ASCEND_VERSION = "ascend-toolkit/latest";
    /** The most of {@code opp/version.info} read: a few lines of key=value. */
    static final long MAX_VERSION_INFO_BYTES = 64 * 1024;

    public AtcToolkit {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(origin, "origin");
        home = home.toAbsolutePath().normalize();
    }

    /** An explicitly given toolkit directory. */
    public static AtcToolkit at(Path home) {
        return new AtcToolkit(home, "given explicitly");
    }

    /** The toolkit the reference scripts would use, from this process's environment. */
    public static AtcToolkit discover() {
        return discover(System.getenv());
    }

    /** The toolkit at {@code $ASCEND_HOME/$ASCEND_VERSION}, with the reference defaults. */
    public static AtcToolkit discover(Map<String, String> env) {
        String ascendHome = nonBlank(env.get("ASCEND_HOME")).orElse(DEFAULT_ASCEND_HOME);
        String version = nonBlank(env.get("ASCEND_VERSION")).orElse(DEFAULT_ASCEND_VERSION);
        String origin = "ASCEND_HOME=" + nonBlank(env.get("ASCEND_HOME")).orElse("(unset, default " + DEFAULT_ASCEND_HOME + ")")
                + ", ASCEND_VERSION=" + nonBlank(env.get("ASCEND_VERSION"))
                .orElse("(unset, default " + DEFAULT_ASCEND_VERSION + ")");
        return new AtcToolkit(Paths.get(ascendHome).resolve(version), origin);
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    /** {@code <home>/bin/atc}. */
    public Path atc() {
        return home.resolve("bin").resolve("atc");
    }

    /** {@code <home>/opp}. */
    public Path opp() {
        return home.resolve("opp");
    }

    /** Whether {@code bin/atc} exists and is executable. */
    public boolean hasAtc() {
        return Files.isRegularFile(atc()) && Files.isExecutable(atc());
    }

    /**
     * Checks that {@code bin/atc} is there.
     *
     * @return this toolkit
     * @throws ToolkitNotFoundException naming the path looked at and what to set
     */
    public AtcToolkit requireAtc() {
        if (!hasAtc()) {
            throw new ToolkitNotFoundException(missingAtcMessage());
        }
        return this;
    }

    /** The sentence {@link #requireAtc()} throws. */
    public String missingAtcMessage() {
        return "ATC not found: no executable " + atc() + " (toolkit " + origin + "). Install the CANN toolkit"
                + " and set ASCEND_HOME (its install directory) and ASCEND_VERSION (the toolkit directory below it,"
                + " e.g. ascend-toolkit/latest), or give the toolkit path explicitly";
    }

    /** The content of {@code opp/version.info}, which identifies the operator package models are bound to. */
    public Optional<String> oppVersionInfo() {
        try {
            // Through the toolkit's links (e.g. latest/), but only a regular file, and capped: a FIFO
            // or a device there would block or never end.
            byte[] bytes = RegularFiles.read(RegularFiles.realRegularFile(opp().resolve("version.info")), MAX_VERSION_INFO_BYTES);
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * What identifies this toolkit's compiler output: the content of {@code opp/version.info} and of
     * {@code bin/atc} (hashed), not the directory, so a reinstall of the same version keeps models.
     * Each is reached through the toolkit's links but read only if it is a regular file.
     *
     * @throws IllegalArgumentException naming the path, if something other than a regular file (a FIFO,
     *                                  a device, a directory) is in place of one of them
     */
    public String identity() {
        return "opp=" + digest(opp().resolve("version.info")) + ";atc=" + digest(atc());
    }

    private static String digest(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return "missing";
        }
        try {
            return Sha256.of(RegularFiles.realRegularFile(real));
        } catch (NotARegularFileException e) {
            throw new IllegalArgumentException("toolkit file " + file + (real.equals(file) ? "" : " (" + real + ")")
                    + " is " + e.kind() + ", not a regular file; repair the toolkit or give another one", e);
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }

    /**
     * The environment the reference gives ATC: {@code base} with the toolkit's {@code bin},
     * {@code lib64} and {@code python/site-packages} put first on PATH, LD_LIBRARY_PATH and
     * PYTHONPATH, {@code ASCEND_OPP_PATH} set, and {@code MAX_COMPILE_CORE_NUMBER=1}.
     */
    public Map<String, String> childEnvironment(Map<String, String> base) {
        Map<String, String> env = new LinkedHashMap<>(base);
        prepend(env, "PATH", home.resolve("bin"));
        prepend(env, "LD_LIBRARY_PATH", home.resolve("lib64"));
        prepend(env, "PYTHONPATH", home.resolve("python").resolve("site-packages"));
        env.put("ASCEND_OPP_PATH", opp().toString());
        env.put("MAX_COMPILE_CORE_NUMBER", "1");
        return env;
    }

    private static void prepend(Map<String, String> env, String key, Path dir) {
        String old = env.get(key);
        env.put(key, old == null || old.isEmpty() ? dir.toString() : dir + java.io.File.pathSeparator + old);
    }
}
