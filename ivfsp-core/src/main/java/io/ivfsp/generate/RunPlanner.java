package io.ivfsp.generate;

import io.ivfsp.compile.OpCompiler;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.SharedCall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;


/**
 * Plans a run: groups the plans' JSON files into jobs by output directory and cache key, fits the cost
 * model to the compile times the manifests recorded, and packs the jobs into compiler calls.
 */
final class RunPlanner {

    private final GenerationSettings settings;
    private final OpCompiler compiler;
    private final List<ModelPlan> plans;
    private final ModelStore store;
    private final String socVersion;
    private final List<CostModel.Sample> recorded = new ArrayList<>();
    private CostModel costs = CostModel.STATIC;
    private List<Job> jobs;
    /** Each output directory's manifest as read for planning, by directory. */
    private final Map<String, Manifest> manifests = new HashMap<>();

    RunPlanner(GenerationSettings settings, List<ModelPlan> plans, ModelStore store, String socVersion) {
        this.settings = settings;
        this.compiler = settings.compiler();
        this.plans = plans;
        this.store = store;
        this.socVersion = socVersion;
    }

    /** The jobs, grouped once. */
    List<Job> jobList() {
        if (jobs == null) {
            jobs = jobs();
        }
        return jobs;
    }

    /** The cost model the plan was made with ({@link CostModel#STATIC} before {@link #plan()}). */
    CostModel costs() {
        return costs;
    }

    /**
     * The manifest of {@code file}'s output directory, as planning read it (once per directory): the warm pass
     * trusts models by it, and one older than the pass can only vouch for models whose stat is unchanged.
     */
    Manifest manifest(OpFile file) {
        Manifest manifest = manifests.get(file.outputDirectory());
        if (manifest == null) {
            manifest = store.manifest(file.set());
            manifests.put(file.outputDirectory(), manifest);
        }
        return manifest;
    }

    /** The jobs: the plans' JSON files grouped by output directory and cache key. */
    private List<Job> jobs() {
        Map<String, List<OpFile>> groups = new LinkedHashMap<>();
        Map<String, String> keys = new HashMap<>();
        for (ModelPlan plan : plans) {
            for (OpFile f : plan.files()) {
                String key = CacheKey.of(f, socVersion, compiler.name(), compiler.cacheIdentity());
                String group = f.outputDirectory() + "/" + key;
                keys.put(group, key);
                // Plain loops, no lambdas or streams here: a warm run of a fresh JVM plans every job.
                List<OpFile> members = groups.get(group);
                if (members == null) {
                    members = new ArrayList<>();
                    groups.put(group, members);
                }
                if (!members.contains(f)) {
                    members.add(f);
                }
            }
        }
        // Each shared call once, however many of its jobs are planned: a call is one sample of the cost model.
        Set<SharedCall> calls = new HashSet<>();
        List<Job> list = new ArrayList<>();
        for (Map.Entry<String, List<OpFile>> e : groups.entrySet()) {
            OpFile first = e.getValue().get(0);
            // The time recorded for any file of the job: after a toolkit upgrade the keys differ, the costs hardly.
            double seconds = Double.NaN;
            for (OpFile m : e.getValue()) {
                Optional<Manifest.Entry> entry = manifest(m).entry(m.fileName());
                double t = entry.isPresent() ? entry.get().compileSeconds() : Double.NaN;
                if (t > 0 && Double.isFinite(t)) {
                    seconds = t;
                    break;
                }
                if (entry.isPresent() && entry.get().sharedCall().isPresent()) {
                    SharedCall c = entry.get().sharedCall().get();
                    if (calls.add(c)) {
                        recorded.add(new CostModel.Sample(c.ops(), c.millionElements(), c.seconds()));
                    }
                }
            }
            Job job = new Job(first, e.getValue(), keys.get(e.getKey()), seconds);
            if (seconds > 0) {
                recorded.add(new CostModel.Sample(first.ops().size(), job.millionElements, seconds));
            }
            list.add(job);
        }
        return list;
    }

    /**
     * The calls: the cost model fitted to the compile times the manifests recorded (the static guess
     * without them) and to the registry's for the jobs the manifests have none for, each job's
     * expected time, and the batching that model predicts best.
     */
    Batching.Plan<Job> plan(RemoteModels remote, List<Job> left) {
        List<Job> jobs = jobList();
        // The registry's compile times (measured by other nodes, any toolkit) for the jobs the manifests have none for.
        remote.compileSeconds(left.stream().filter(j -> !(j.recordedSeconds > 0)).map(j -> j.file).toList())
                .forEach((f, s) -> recorded.add(new CostModel.Sample(f.ops().size(), CostModel.millionElements(f), s)));
        costs = CostModel.fit(recorded);
        for (Job j : jobs) {
            j.estimate = j.expected(costs);
        }
        RunLog.log.debug("cost model {} from {} recorded compile times", costs, recorded.size());
        return Batching.plan(left, j -> new Batching.Item(j.estimate, j.file.ops().size(), j.millionElements,
                        j.file.ops().size() == 1, j.file.set()), costs.startup(), settings.parallelism(),
                // A simulated compiler has no start-up to save.
                compiler.isSimulated() && settings.batching() == BatchingMode.AUTO ? BatchingMode.NEVER : settings.batching(),
                !costs.learned());
    }

    /** The seconds the plan's cost model predicts for one call of these jobs. */
    double predicted(List<Job> task) {
        if (task.size() == 1) {
            return task.get(0).estimate;
        }
        return costs.startup() + task.stream().mapToDouble(j -> Math.max(0, j.estimate - costs.startup())).sum();
    }
}
