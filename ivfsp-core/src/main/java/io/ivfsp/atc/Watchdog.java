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
 * Starts each ATC through {@code atc-watchdog.sh}: ATC runs in a process group of its own, which the
 * watchdog kills as a whole when the pipe on its standard input closes. The JVM never writes that
 * pipe; it closes it to stop a job, and the kernel closes it when the JVM dies, even by kill -9, so
 * neither ATC nor the compile workers it starts outlive the generator.
 *
 * <p>ATC still sees exactly the argument list, working directory and environment it is given: the
 * variables a shell adds ({@code PWD}, {@code OLDPWD}, {@code SHLVL}, {@code _}) are removed again,
 * or set back to the given values, by {@code env} just before ATC starts.
 */
final class Watchdog {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

    /** Variables that {@code sh} may add to or change in the environment of the commands it runs. */
    private static final List<String> SHELL_VARIABLES = List.of("PWD", "OLDPWD", "SHLVL", "_");

    private static final String SCRIPT = load();

    private final Path setsid;
    private final Path shell;
    private final Path env;

    private Watchdog(Path setsid, Path shell, Path env) {
        this.setsid = setsid;
        this.shell = shell;
        this.env = env;
    }

    /** The watchdog, or empty where {@code setsid}, {@code sh} or {@code env} is missing. */
    static Optional<Watchdog> find() {
        Optional<Path> setsid = first("/usr/bin/setsid", "/bin/setsid");
        Optional<Path> shell = first("/bin/sh", "/usr/bin/sh");
        Optional<Path> env = first("/usr/bin/env", "/bin/env");
        if (setsid.isEmpty() || shell.isEmpty() || env.isEmpty()) {
            log.warn("setsid, sh or env not found: ATC runs without a watchdog, and its processes may outlive"
                    + " this JVM if it is killed with SIGKILL");
            return Optional.empty();
        }
        return Optional.of(new Watchdog(setsid.get(), shell.get(), env.get()));
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
        List<String> cmd = new ArrayList<>(List.of(setsid.toString(), shell.toString(), "-c", SCRIPT,
                "ivfsp-atc-watchdog"));
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

    private static String load() {
        try (InputStream in = Watchdog.class.getResourceAsStream("atc-watchdog.sh")) {
            if (in == null) {
                throw new IllegalStateException("atc-watchdog.sh is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read atc-watchdog.sh", e);
        }
    }
}
