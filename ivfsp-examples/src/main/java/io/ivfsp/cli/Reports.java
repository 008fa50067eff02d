package io.ivfsp.cli;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.generate.GenerationListener;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.JobProgress;
import io.ivfsp.generate.ModelHandle;
import io.ivfsp.json.JsonWriter;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;
import io.ivfsp.store.ModelStore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the CLI prints: the plan, the summary table, the JSON summary. */
final class Reports {

    private Reports() {
    }

    static String planText(List<OpFile> files) {
        StringBuilder sb = new StringBuilder();
        for (OpFile f : files) {
            sb.append(ModelStore.CONFIG_DIRECTORY).append('/').append(f.fileName()).append(" -> ")
                    .append(f.outputDirectory()).append("/  (").append(f.set().cliName()).append(")\n");
            List<String> oms = f.omFileNames();
            for (int i = 0; i < f.ops().size(); i++) {
                OpDesc op = f.ops().get(i);
                sb.append("  ").append(op.opType()).append("  in: ").append(TensorDesc.labels(op.inputs()))
                        .append("  out: ").append(TensorDesc.labels(op.outputs())).append('\n')
                        .append("    ").append(oms.get(i)).append('\n');
            }
        }
        return sb.toString();
    }


    static String planJson(List<OpFile> planned, String socVersion, Path root) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("soc_version", socVersion);
        m.put("config_directory", root.resolve(ModelStore.CONFIG_DIRECTORY).toString());
        List<Object> files = new ArrayList<>();
        for (OpFile f : planned) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("json", f.fileName());
            fm.put("set", f.set().cliName());
            fm.put("output_directory", f.outputDirectory());
            fm.put("ops", f.opTypes());
            fm.put("models", f.omFileNames());
            files.add(fm);
        }
        m.put("files", files);
        return JsonWriter.write(m);
    }

    static String resultTable(GenerationResult r, JobClock clock) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"FILE", "OP", "STATUS", "SECONDS", "MODEL"});
        Map<OpFile, List<ModelHandle>> byFile = new LinkedHashMap<>();
        r.models().forEach(h -> byFile.computeIfAbsent(fileOf(r, h), k -> new ArrayList<>()).add(h));
        Map<OpFile, CompileFailure> failures = new LinkedHashMap<>();
        r.failures().forEach(f -> failures.put(f.file(), f));
        for (OpFile f : r.files()) {
            String seconds = clock.seconds(f).map(s -> String.format(Locale.ROOT, "%.2f", s)).orElse("-");
            if (byFile.containsKey(f)) {
                for (ModelHandle h : byFile.get(f)) {
                    rows.add(new String[] {f.fileName(), h.opType(), h.reused() ? "reused" : "compiled",
                            h.reused() ? "-" : seconds,
                            f.outputDirectory() + "/" + h.path().getFileName()});
                }
            } else if (failures.containsKey(f)) {
                CompileFailure c = failures.get(f);
                String status = "FAILED " + c.kind().name().toLowerCase(Locale.ROOT)
                        + c.errorCode().map(code -> " " + code).orElse("");
                rows.add(new String[] {f.fileName(), opsOf(f), status, seconds, "-"});
            } else {
                rows.add(new String[] {f.fileName(), opsOf(f), "not started", "-", "-"});
            }
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < 4; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            sb.append(String.format(Locale.ROOT, "%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %"
                    + widths[3] + "s  %s%n", (Object[]) row));
        }
        return sb.toString();
    }

    private static String opsOf(OpFile f) {
        List<String> distinct = f.opTypes().stream().distinct().toList();
        return distinct.size() == 1 ? distinct.get(0) : distinct.get(0) + " +" + (f.ops().size() - 1) + " ops";
    }

    private static OpFile fileOf(GenerationResult r, ModelHandle h) {
        String json = h.jsonFile().getFileName().toString();
        return r.files().stream().filter(f -> f.fileName().equals(json)).findFirst().orElseThrow();
    }

    static String resultLine(GenerationResult r) {
        return String.format(Locale.ROOT,
                "%d of %d models generated%s (%d compiled, %d reused), %d jobs failed, %d not started, %.1f s (backend %s, %d compiler runs)",
                r.models().size(), r.modelCount(), r.simulated() ? " (SIMULATED)" : "", r.compiledModels(),
                r.reusedModels(), r.failures().size(), r.skipped().size(), r.elapsed().toMillis() / 1000.0, r.compiler(),
                r.compilerRuns());
    }

    static String resultJson(GenerationResult r, JobClock clock, List<Path> installed, List<Path> pruned) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", r.isSuccess());
        m.put("backend", r.compiler());
        m.put("simulated", r.simulated());
        m.put("soc_version", r.plan().config().socVersion());
        m.put("output_root", r.root().toString());
        m.put("elapsed_seconds", r.elapsed().toMillis() / 1000.0);
        m.put("compiled", r.compiledModels());
        m.put("reused", r.reusedModels());
        m.put("compiler_runs", r.compilerRuns());
        List<Object> models = new ArrayList<>();
        for (ModelHandle h : r.models()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("set", h.set().cliName());
            hm.put("op", h.opType());
            hm.put("json", h.jsonFile().toString());
            hm.put("path", h.path().toString());
            hm.put("size", h.size());
            hm.put("sha256", h.sha256());
            hm.put("reused", h.reused());
            hm.put("seconds", clock.seconds(fileOf(r, h)).orElse(0.0));
            models.add(hm);
        }
        m.put("models", models);
        List<Object> failures = new ArrayList<>();
        for (CompileFailure f : r.failures()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("json", f.file().fileName());
            fm.put("ops", f.ops());
            fm.put("kind", f.kind().name());
            fm.put("detail", f.detail());
            fm.put("exit_status", f.exitStatus().isPresent() ? (Object) f.exitStatus().getAsInt() : null);
            fm.put("error_code", f.errorCode().orElse(null));
            fm.put("command", f.command());
            fm.put("output_tail", f.outputTail());
            failures.add(fm);
        }
        m.put("failures", failures);
        m.put("not_started", r.skipped().stream().map(OpFile::fileName).toList());
        m.put("installed", installed.stream().map(Path::toString).toList());
        m.put("pruned", pruned.stream().map(Path::toString).toList());
        return JsonWriter.write(m);
    }

    /** Records how long each job ran, then passes events on. */
    static final class JobClock implements GenerationListener {
        private final Map<OpFile, Double> seconds = new ConcurrentHashMap<>();
        private GenerationListener next = GenerationListener.NONE;

        JobClock then(GenerationListener listener) {
            this.next = listener;
            return this;
        }

        java.util.Optional<Double> seconds(OpFile f) {
            return java.util.Optional.ofNullable(seconds.get(f));
        }

        private void record(JobProgress p) {
            seconds.put(p.file(), p.jobElapsed().toNanos() / 1e9);
        }

        @Override
        public void jobStarted(JobProgress progress) {
            next.jobStarted(progress);
        }

        @Override
        public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
            record(progress);
            next.jobSucceeded(progress, models);
        }

        @Override
        public void jobFailed(JobProgress progress, CompileFailure failure) {
            record(progress);
            next.jobFailed(progress, failure);
        }

        @Override
        public void jobSkipped(JobProgress progress) {
            next.jobSkipped(progress);
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
