package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.json.JsonReader;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run's trace says about the run (with the in-process mock): the header, the calls, the reused jobs. */
class GenerationTraceTest {

    @TempDir
    Path dir;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

    private static Map<?, ?> read(Path trace) throws IOException {
        return (Map<?, ?>) JsonReader.read(Files.readString(trace));
    }

    private static List<Map<?, ?>> events(Map<?, ?> trace) {
        return ((List<?>) trace.get("traceEvents")).stream().<Map<?, ?>>map(e -> (Map<?, ?>) e).toList();
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    void theHeaderNamesTheCompilerTheSettingsTheCostModelAndThePlan() throws IOException {
        Path trace = dir.resolve("trace.json");
        Path root = dir.resolve("out");

        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).parallelism(2)
                .batching(BatchingMode.NEVER).trace(trace).build().generate(plan).requireSuccess();

        Map<?, ?> about = (Map<?, ?>) read(trace).get("otherData");
        assertThat(about.get("compiler")).isEqualTo("mock");
        assertThat(number(about.get("parallelism"))).isEqualTo(2);
        assertThat(about.get("batching")).isEqualTo("NEVER");
        assertThat(number(about.get("jobs"))).isEqualTo(plan.files().size());
        assertThat(number(about.get("calls"))).isEqualTo(plan.files().size()).isEqualTo(r.compilerRuns());
        // Nothing measured before: the static guess, and the makespan it predicts for longest-first on two workers.
        Map<?, ?> costs = (Map<?, ?>) about.get("cost_model");
        assertThat(number(costs.get("startup_s"))).isEqualTo(CostModel.STATIC.startup());
        assertThat(number(costs.get("per_op_s"))).isEqualTo(CostModel.STATIC.perOp());
        assertThat(number(costs.get("per_million_elements_s"))).isEqualTo(CostModel.STATIC.perMillionElements());
        assertThat(number(costs.get("samples"))).isZero();
        List<Batching.Task<OpFile>> alone = plan.files().stream()
                .map(f -> new Batching.Task<>(List.of(f), CostModel.STATIC.predict(f)))
                .sorted(java.util.Comparator.comparingDouble((Batching.Task<OpFile> t) -> t.predicted()).reversed())
                .toList();
        double makespan = TraceWriter.round(Batching.makespan(alone, 2));
        assertThat(number(about.get("predicted_makespan_s"))).isEqualTo(makespan);
        assertThat(number(about.get("predicted_unbatched_s"))).isEqualTo(makespan);
        // A named lane per worker the run started, each call's slice on one of them.
        assertThat(events(read(trace))).filteredOn(e -> "thread_name".equals(e.get("name")))
                .extracting(e -> (Object) ((Map<?, ?>) e.get("args")).get("name")).containsExactly("worker 1", "worker 2");
        assertThat(events(read(trace))).filteredOn(e -> "X".equals(e.get("ph")))
                .allSatisfy(e -> assertThat(number(e.get("tid"))).isIn(1.0, 2.0));
        // Each call's slice carries the prediction of its one job.
        assertThat(events(read(trace))).filteredOn(e -> "X".equals(e.get("ph"))).allSatisfy(e -> {
            Map<?, ?> args = (Map<?, ?>) e.get("args");
            OpFile f = plan.files().stream().filter(p -> p.fileName().equals(e.get("name"))).findFirst().orElseThrow();
            assertThat(number(args.get("predicted_s"))).isEqualTo(TraceWriter.round(CostModel.STATIC.predict(f)));
            assertThat(args.get("ops")).isEqualTo(f.opTypes());
        });
    }

    @Test
    void aReusedJobIsAnInstantNamingItsModelsOnTheLaneOfTheWorker() throws IOException {
        Path trace = dir.resolve("trace.json");
        Path root = dir.resolve("out");
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(plan).requireSuccess();

        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).parallelism(1).trace(trace).build()
                .generate(plan).requireSuccess();

        List<Map<?, ?>> reused = events(read(trace)).stream().filter(e -> "reuse".equals(e.get("cat"))).toList();
        assertThat(reused).hasSize(plan.files().size());
        for (OpFile f : plan.files()) {
            assertThat(reused).filteredOn(e -> ("reused " + f.fileName()).equals(e.get("name"))).singleElement()
                    .satisfies(e -> {
                        assertThat(number(e.get("tid"))).as("the one worker's lane").isEqualTo(1);
                        Map<?, ?> args = (Map<?, ?>) e.get("args");
                        assertThat(args.get("file")).isEqualTo(f.fileName());
                        assertThat(args.get("models")).isEqualTo(f.omFileNames());
                    });
        }
    }

    @Test
    void withoutATraceFileNothingIsWrittenBesideTheOutput() throws IOException {
        Path root = dir.resolve("out");

        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(plan).requireSuccess();

        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).containsExactly(root);
        }
    }

    @Test
    void aTraceThatCannotBeWrittenDoesNotFailTheRun() throws IOException {
        Path trace = Files.createDirectory(dir.resolve("trace.json"));

        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(dir.resolve("out"))
                .trace(trace).build().generate(plan);

        assertThat(r.isSuccess()).isTrue();
        assertThat(trace).isEmptyDirectory();
    }
    @Test
    void theCostModelIsFittedToTheTimeRecordedForAnyFileOfAJob() throws IOException {
        // Two indexes that differ in nlist share 18 of their 27 jobs; only the first was generated before.
        ModelPlan a = OpCatalog.plan(IvfspConfig.builder().nlist(1024).processId(0).build(), ModelSet.SERVICE);
        ModelPlan b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE);
        Path root = dir.resolve("out");
        Path trace = dir.resolve("trace.json");
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(a).requireSuccess();

        // b first: a shared job's first file is b's, which has no recorded time; a's file of the job has one.
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).incremental(false).trace(trace)
                .build().generate(List.of(b, a)).requireSuccess();

        Map<?, ?> costs = (Map<?, ?>) ((Map<?, ?>) read(trace).get("otherData")).get("cost_model");
        assertThat(number(costs.get("samples"))).isEqualTo(27);
    }
    @Test
    void aFailedCallIsTracedWithItsKindAndATCErrorCode() throws IOException {
        OpFile failing = plan.files().get(0);
        Path trace = dir.resolve("trace.json");

        ModelGenerator.builder().compiler(MockOpCompiler.builder().fail(failing.fileName(), "E10027").build())
                .outputRoot(dir.resolve("out")).trace(trace).build().generate(plan);

        List<Map<?, ?>> calls = events(read(trace)).stream().filter(e -> "X".equals(e.get("ph"))).toList();
        assertThat(calls).hasSize(plan.files().size());
        assertThat(calls).filteredOn(e -> failing.fileName().equals(e.get("name"))).singleElement()
                .satisfies(e -> assertThat(((Map<?, ?>) e.get("args")).get("status")).isEqualTo("EXIT_STATUS E10027"));
        assertThat(calls).filteredOn(e -> !failing.fileName().equals(e.get("name")))
                .allSatisfy(e -> assertThat(((Map<?, ?>) e.get("args")).get("status")).isEqualTo("ok"));
    }
}
