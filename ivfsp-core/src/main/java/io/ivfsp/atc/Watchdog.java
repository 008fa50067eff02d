package io.ivfsp.atc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each ATC through {@code atc-watchdog.py} (or {@code atc-watchdog.sh} where there is no
 * {@code python3}): ATC runs in a process group of its own, which the watchdog kills as a whole when
 * the pipe on its standard input closes. The JVM never writes that pipe; it closes it to stop a job,
 * and the kernel closes it when the JVM dies, even by kill -9, so neither ATC nor the compile workers
 * it starts outlive the generator. The Python watchdog is also a child subreaper and kills every
 * process below it, found in /proc, so that even a worker that made a session of its own is caught;
 * the shell watchdog reaches only ATC's process group.
 *
 * <p>ATC still sees exactly the argument list, working directory and environment it is given: the
 * variables a shell adds ({@code PWD}, {@code OLDPWD}, {@code SHLVL}, {@code _}) are removed again,
 * or set back to the given values, by {@code env} just before ATC starts.
 */
final class Watchdog {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    /**
     * Variables that {@code sh} may add to or change in the environment of the commands it runs, and
     * {@code LC_CTYPE}, which {@code python3} sets under the C locale (PEP 538).
     */
    private static final List<String> SHELL_VARIABLES = List.of("PWD", "OLDPWD", "SHLVL", "_", "LC_CTYPE");

    private final List<String> launcher;
    private final Path env;

    private Watchdog(List<String> launcher, Path env) {
        this.launcher = launcher;
        this.env = env;
    }

    /**
     * The Python watchdog, else the shell watchdog, or empty where {@code env}, or both
     * {@code python3} and one of {@code setsid} and {@code sh}, is missing.
     */
    static Optional<Watchdog> find() {
        Optional<Path> env = first("/usr/bin/env", "/bin/env");
        if (env.isEmpty()) {
            warnMissing();
            return Optional.empty();
        }
        Optional<Watchdog> python = python(env.get());
        Optional<Watchdog> found = python.isPresent() ? python : shell(env.get());
        if (found.isEmpty()) {
            warnMissing();
        }
        return found;
    }

    private static void warnMissing() {
        log.warn("python3, setsid, sh or env not found: ATC runs without a watchdog, and its processes may outlive"
                + " this JVM if it is killed with SIGKILL");
    }

    /** The Python watchdog alone, or empty where {@code python3} or {@code env} is missing. */
    static Optional<Watchdog> python(Path env) {
        // Fixed places only: a python3 earlier on the PATH (a pyenv shim, a virtual environment) could
        // be a script that costs a second shell per ATC run or is not a Python at all.
        return first("/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3")
                .map(python -> new Watchdog(List.of(python.toString(), "-I", "-S", "-c", load("atc-watchdog.py")),
                        env));
    }

    /** The shell watchdog alone, or empty where {@code setsid}, {@code sh} or {@code env} is missing. */
    static Optional<Watchdog> shell(Path env) {
        Optional<Path> setsid = first("/usr/bin/setsid", "/bin/setsid");
        Optional<Path> shell = first("/bin/sh", "/usr/bin/sh");
        if (setsid.isEmpty() || shell.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Watchdog(List.of(setsid.get().toString(), shell.get().toString(), "-c",
                load("atc-watchdog.sh"), "ivfsp-atc-watchdog"), env));
    }

    /** {@code /usr/bin/env} or {@code /bin/env}, if there. */
    static Optional<Path> env() {
        return first("/usr/bin/env", "/bin/env");
    }

    private static Optional<Path> first(String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The command that runs {@code command} under the watchdog with exactly {@code environment}
     * (which the process started by the returned command must be given too).
     */
    List<String> wrap(List<String> command, Map<String, String> environment) {
        List<String> cmd = new ArrayList<>(launcher);
        // env would take a program whose path holds '=' for a variable; such a rare toolkit path keeps
        // the shell's variables rather than failing.
        if (!command.get(0).contains("=")) {
            cmd.add(env.toString());
            for (String name : SHELL_VARIABLES) {
                cmd.add("-u");
                cmd.add(name);
            }
            cmd.add("--");
            for (String name : SHELL_VARIABLES) {
                String value = environment.get(name);
                if (value != null) {
                    cmd.add(name + "=" + value);
                }
            }
        }
        cmd.addAll(command);
        return cmd;
    }

    private static String load(String name) {
        try (InputStream in = Watchdog.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
