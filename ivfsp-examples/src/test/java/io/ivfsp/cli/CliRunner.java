package io.ivfsp.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the CLI in this JVM with a given environment and working directory, capturing its output. */
final class CliRunner {

    record Result(int exit, String out, String err) {
    }

    private final Map<String, String> env;
    private final Path cwd;
    private final boolean terminal;

    CliRunner(Map<String, String> env, Path cwd, boolean terminal) {
        this.env = env;
        this.cwd = cwd;
        this.terminal = terminal;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new IvfspCli(env, cwd, terminal).execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }
}
