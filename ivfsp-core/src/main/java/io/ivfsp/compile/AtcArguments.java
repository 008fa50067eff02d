package io.ivfsp.compile;

import io.ivfsp.ops.OpFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ATC command-line options of a compile job, in the reference scripts' order: one place for
 * every backend that runs ATC (the {@code atc} process, the in-process {@code native} entry point)
 * and for the cache key, which is made of the same option texts, so that they cannot drift apart.
 *
 * <pre>{@code
 * List<String> argv = AtcArguments.command("atc", request); // atc --singleop=... --soc_version=... --output=... [--log=...]
 * }</pre>
 */
public final class AtcArguments {

    private AtcArguments() {
    }

    /**
     * The options of {@code request}, without the program name: {@code --singleop=<json>},
     * {@code --soc_version=<soc>}, {@code --output=<dir>} (paths absolute), then {@code --log=<level>}
     * when the file's model set has a log level (the training set has none, as in the reference).
     */
    public static List<String> of(CompileRequest request) {
        List<String> args = new ArrayList<>();
        args.add("--singleop=" + request.jsonFile().toAbsolutePath());
        args.add(socVersion(request.socVersion()));
        args.add("--output=" + request.outputDirectory().toAbsolutePath());
        log(request.file()).ifPresent(args::add);
        return List.copyOf(args);
    }

    /** {@code program} followed by the options of {@code request} ({@link #of}). */
    public static List<String> command(String program, CompileRequest request) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(of(request));
        return List.copyOf(argv);
    }

    /** {@code --soc_version=<socVersion>}. */
    public static String socVersion(String socVersion) {
        return "--soc_version=" + socVersion;
    }

    /** {@code --log=<level>} for the file's model set, or empty when the set passes no log level. */
    public static Optional<String> log(OpFile file) {
        // No lambda: cache keys call this on the warm path of a fresh JVM.
        Optional<String> level = file.set().atcLogLevel();
        return level.isPresent() ? Optional.of("--log=" + level.get()) : Optional.empty();
    }
}
