package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.ModelStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job whose lock cannot be taken, or is held by another generator (with the in-process mock). */
class JobLockTest {

    @TempDir
    Path root;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

    private String key(OpFile f, MockOpCompiler mock) {
        return CacheKey.of(f, plan.config().socVersion(), mock.name(), mock.cacheIdentity());
    }

    @Test
    void aJobWhoseLockCannotBeOpenedFailsNamingTheLockAndTheOthersCompile() throws Exception {
        MockOpCompiler mock = MockOpCompiler.create();
        OpFile first = plan.files().get(0);
        OpFile blocked = plan.files().get(1);
        Path lock = root.resolve(ModelStore.LOCK_DIRECTORY)
                .resolve("job-" + blocked.outputDirectory() + "-" + key(blocked, mock) + ".lock");
        // Once the run has started (its checks passed), something that is not a lock file appears where a
        // later job's lock goes.
        BeforeEachCall planting = new BeforeEachCall(mock, request -> {
            if (request.file().equals(first)) {
                Files.createDirectories(lock);
            }
        });

        GenerationResult r = ModelGenerator.builder().compiler(planting).outputRoot(root).parallelism(1)
                .batching(false).scheduling(Scheduling.PLAN_ORDER).build().generate(plan);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo(blocked);
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
            assertThat(f.detail()).startsWith("cannot lock the job: ").contains(lock.getFileName().toString());
            assertThat(f.command()).isEmpty();
            assertThat(f.exitStatus()).isEmpty();
        });
        assertThat(mock.compiled()).hasSize(plan.files().size() - 1).doesNotContain(blocked);
        assertThat(r.models()).hasSize(r.modelCount() - blocked.ops().size());
    }

    @Test
    void aJobLockedElsewhereWhenTheRunIsCancelledIsSkipped() throws Exception {
        MockOpCompiler mock = MockOpCompiler.create();
        OpFile locked = plan.files().get(0);
        CountDownLatch othersDone = new CountDownLatch(plan.files().size() - 1);
        CountDownLatch skipped = new CountDownLatch(1);
        List<OpFile> skippedFiles = new java.util.concurrent.CopyOnWriteArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
                othersDone.countDown();
            }

            @Override
            public void jobSkipped(JobProgress progress) {
                skippedFiles.add(progress.file());
                skipped.countDown();
            }
        };
        try (ModelStore other = ModelStore.open(root)) {
            ModelStore.JobLock held = other.lockJob(locked.outputDirectory(), key(locked, mock), () -> false).orElseThrow();
            try {
                GenerationFuture future = ModelGenerator.builder().compiler(mock).outputRoot(root)
                        .parallelism(1).batching(false).listener(listener).build().generateAsync(plan);
                othersDone.await();  // the other jobs ran

                future.cancel(true);

                skipped.await();  // the locked job was given up
                assertThat(skippedFiles).containsExactly(locked);
                assertThat(future.isCancelled()).isTrue();
                assertThat(mock.compiled()).doesNotContain(locked).hasSize(plan.files().size() - 1);
            } finally {
                held.close();
            }
        }
    }

    @Test
    void aJobLockedElsewhereIsPutOffThenCompiledOnceTheLockIsReleased() throws Exception {
        MockOpCompiler mock = MockOpCompiler.create();
        OpFile locked = plan.files().get(0);
        CountDownLatch othersDone = new CountDownLatch(plan.files().size() - 1);
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
                othersDone.countDown();
            }
        };
        try (ModelStore other = ModelStore.open(root)) {
            ModelStore.JobLock held = other.lockJob(locked.outputDirectory(), key(locked, mock), () -> false).orElseThrow();
            GenerationFuture future;
            try {
                future = ModelGenerator.builder().compiler(mock).outputRoot(root).parallelism(1).batching(false)
                        .listener(listener).build().generateAsync(plan);
                othersDone.await();  // the other jobs ran
                assertThat(future).isNotDone();
                assertThat(mock.compiled()).doesNotContain(locked);
            } finally {
                held.close();
            }

            GenerationResult r = future.get();

            assertThat(r.isSuccess()).isTrue();
            assertThat(r.skipped()).isEmpty();
            assertThat(mock.compiled()).contains(locked).hasSize(plan.files().size());
        }
    }
}
