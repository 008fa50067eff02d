package io.ivfsp.examples;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.store.ModelInstaller;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a retrieval service generates its IVFSP models at startup: compile every model of its
 * deployment (ATC when a toolkit is installed, the mock otherwise), place them in one directory
 * and tell mxIndex where it is.
 *
 * <pre>
 * java -cp 'ivfsp-examples/target/ivfsp-cli.jar:ivfsp-examples/target/lib/*' io.ivfsp.examples.EmbeddedService /srv/ivfsp
 * </pre>
 */
public final class EmbeddedService {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedService.class);

    private EmbeddedService() {
    }

    /** Generates the models under {@code args[0]} (default {@code ./ivfsp-models}). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "ivfsp-models");
        Path modelPath = startUp(root, chooseCompiler());
        // A real service now sets MX_INDEX_MODELPATH for mxIndex (or starts it with that variable).
        System.out.println("MX_INDEX_MODELPATH=" + modelPath);
    }

    /**
     * The backend the {@code ivfsp} CLI would choose ({@code -Divfsp.compiler}, then
     * {@code $IVFSP_COMPILER}, then the available real backend of highest rank: ATC when
     * {@code $ASCEND_HOME/$ASCEND_VERSION/bin/atc} exists); when none is available, the mock, with
     * a warning.
     *
     * @throws IllegalArgumentException if the property or the environment names an unknown backend
     */
    public static OpCompiler chooseCompiler() {
        try {
            return OpCompilers.select(Optional.empty());
        } catch (IllegalStateException e) { // ToolkitNotFoundException included
            log.warn("{}; generating SIMULATED models", e.getMessage());
            return MockOpCompiler.create();
        }
    }

    /** A duration as people read it: milliseconds below a second, else seconds with one decimal. */
    static String readable(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /**
     * Generates every model of the deployment under {@code root} and installs them into
     * {@code root/modelpath}.
     *
     * @return the directory to give mxIndex as {@code MX_INDEX_MODELPATH}
     * @throws io.ivfsp.generate.GenerationException if a model could not be generated
     */
    public static Path startUp(Path root, OpCompiler compiler) throws IOException {
        IvfspConfig config = IvfspConfig.builder().dim(256).nonzeroNum(32).nlist(1024).build();
        GenerationResult result = ModelGenerator.builder()
                .compiler(compiler)
                .outputRoot(root)
                .jobTimeout(Duration.ofMinutes(30))
                .build()
                .generate(config, ModelSet.SERVICE, ModelSet.AICPU, ModelSet.TRAINING)
                .requireSuccess();
        List<Path> installed = ModelInstaller.install(result.models(), root.resolve("modelpath"));
        log.info("{} IVFSP models ready in {}", installed.size(), readable(result.elapsed()));
        return root.resolve("modelpath").toAbsolutePath();
    }
}
