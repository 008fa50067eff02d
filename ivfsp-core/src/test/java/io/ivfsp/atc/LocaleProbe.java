package io.ivfsp.atc;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.ModelGeneratorBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Generates into a directory with a non-ASCII name, in a JVM whose locale the test chooses:
 * {@code LocaleProbe cwd} uses the working directory (the default root), {@code LocaleProbe listed
 * <parent>} the one directory found by listing {@code parent}. Prints {@code generated <n> models
 * into <root>} or {@code refused: <message>}.
 */
public final class LocaleProbe {

    private LocaleProbe() {
    }

    public static void main(String[] args) throws Exception {
        ModelGeneratorBuilder b = ModelGenerator.builder().compiler(MockOpCompiler.create()).parallelism(2);
        if (args[0].equals("listed")) {
            try (Stream<Path> s = Files.list(Path.of(args[1]))) {
                b.outputRoot(s.filter(Files::isDirectory).findFirst().orElseThrow());
            }
        }
        try {
            GenerationResult r = b.build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);
            System.out.println("generated " + r.models().size() + " models into " + r.root());
        } catch (RuntimeException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
