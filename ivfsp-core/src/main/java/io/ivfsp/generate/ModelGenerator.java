package io.ivfsp.generate;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;


/**
 * Compiles every single-op JSON file of the chosen model sets in one pool, and hands back the
 * generated models.
 *
 * <pre>{@code
 * ModelGenerator generator = ModelGenerator.builder()
 *         .compiler(AtcCompiler.builder().build())   // or MockOpCompiler.create() without Ascend
 *         .outputRoot(Path.of("/srv/ivfsp"))
 *         .build();
 * GenerationResult result = generator
 *         .generate(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.AICPU, ModelSet.TRAINING)
 *         .requireSuccess();
 * }</pre>
 *
 * <p>Layout under the output root, as the reference scripts: {@code config/*.json},
 * {@code op_models/} (service, AICPU), {@code op_models_pyacl/} (training). A generator holds no
 * state between calls and may be used from several threads.
 */
public final class ModelGenerator {

    /** The default number of jobs at once: the reference's pool size. */
    public static final int DEFAULT_PARALLELISM = 16;
    /** The largest allowed parallelism: the reference's limit. */
    public static final int MAX_PARALLELISM = 32;
    /** The largest number of compile workers per compiler process. */
    public static final int MAX_COMPILE_WORKERS = 32;

    private final GenerationSettings settings;

    ModelGenerator(GenerationSettings settings) {
        this.settings = settings;
    }

    /**
     * The compile workers each compiler process may start ({@code TE_PARALLEL_COMPILER}): the configured
     * number, else the machine's processors shared among the jobs running at once, at least 1.
     */
    public int compileWorkers() {
        return settings.compileWorkers();
    }

    /** A builder; only {@link ModelGeneratorBuilder#compiler} is required. */
    public static ModelGeneratorBuilder builder() {
        return new ModelGeneratorBuilder();
    }

    /** The number of jobs run at once: the configured parallelism, capped by the compiler's. */
    public int parallelism() {
        return settings.parallelism();
    }

    /** The output root. */
    public Path outputRoot() {
        return settings.outputRoot();
    }

    /**
     * Generates the models of the given sets and waits for them.
     *
     * @throws io.ivfsp.config.InvalidConfigException if the configuration breaks a rule of these sets
     * @throws io.ivfsp.store.OutputRefusedException if an output location is a symbolic link, or the root's name
     *                                                cannot be represented in the locale's file-name encoding
     * @throws UncheckedIOException if the JSON files cannot be written
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted (the jobs are then cancelled)
     */
    public GenerationResult generate(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return generate(OpCatalog.plan(config, EnumSet.of(first, rest)));
    }

    /** Same as {@link #generate(IvfspConfig, ModelSet, ModelSet...)} for a plan. */
    public GenerationResult generate(ModelPlan plan) {
        return generate(List.of(plan));
    }

    /**
     * Generates the models of several configurations in one pool, each distinct model once: a model
     * that several configurations (or sets) need, such as the FpToFp16 models of indexes that differ
     * only in nlist, is compiled once and recorded for every JSON file that yields it.
     *
     * @throws IllegalArgumentException if two plans give one JSON file name different contents (give each
     *                                  configuration its own {@code -p}), or target different SoCs
     * @see #generate(IvfspConfig, ModelSet, ModelSet...)
     */
    public GenerationResult generate(List<ModelPlan> plans) {
        return GenerationRun.await(generateAsync(plans));
    }

    /**
     * Starts generating the models of the given sets. The JSON files are written, and output locations
     * checked, before this returns; cancelling the future kills the running compiler processes and
     * starts no new job.
     *
     * @throws io.ivfsp.config.InvalidConfigException if the configuration breaks a rule of these sets
     * @throws io.ivfsp.store.OutputRefusedException if an output location is a symbolic link, or the root's name
     *                                                cannot be represented in the locale's file-name encoding
     * @throws UncheckedIOException if the JSON files cannot be written
     */
    public GenerationFuture generateAsync(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return generateAsync(List.of(OpCatalog.plan(config, EnumSet.of(first, rest))));
    }

    /** Same as {@link #generateAsync(IvfspConfig, ModelSet, ModelSet...)} for a plan. */
    public GenerationFuture generateAsync(ModelPlan plan) {
        return generateAsync(List.of(plan));
    }

    /** Same as {@link #generate(List)}, without waiting. */
    public GenerationFuture generateAsync(List<ModelPlan> plans) {
        return OutputRoot.start(settings, plans);
    }

    /**
     * Removes from the output root the models its manifests record that none of {@code plans} needs
     * (never a file the manifests do not record, or one that changed since).
     *
     * @return the removed files
     * @throws UncheckedIOException if a manifest cannot be updated
     */
    public List<Path> prune(ModelPlan... plans) {
        return OutputRoot.prune(settings.outputRoot(), plans);
    }
}
