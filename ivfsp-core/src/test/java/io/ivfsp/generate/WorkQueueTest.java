package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.ModelSet;
import io.ivfsp.json.JsonReader;
import io.ivfsp.ops.DataType;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start order of a run's calls: as planned, re-sorted by what the run measures, and calls put off for a lock. */
class WorkQueueTest {

    @TempDir
    Path dir;

    private static final RunTrace NO_TRACE = new RunTrace(Optional.empty(), 0);

    /** A job of {@code ops} ops of {@code melem} million elements each (inputs and outputs together). */
    private static Job job(String name, int ops, double melem) {
        List<OpDesc> list = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            list.add(new OpDesc("Op" + i, List.of(TensorDesc.of(DataType.FLOAT16, Math.round(melem * 1e6) - 1)),
                    List.of(TensorDesc.of(DataType.FLOAT16, 1))));
        }
        Job j = new Job(new OpFile(name, ModelSet.AICPU, list), List.of(), name, Double.NaN);
        j.estimate = j.expected(CostModel.STATIC);
        return j;
    }

    private static Batching.Task<Job> task(Job j) {
        return new Batching.Task<>(List.of(j), j.estimate);
    }

    /** Records each call (name, wait) and runs it. */
    private static final class Recorder implements WorkQueue.Runner {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean run(Batching.Task<Job> task, boolean wait) {
            calls.add(task.jobs().get(0).file.name() + (wait ? " waiting" : ""));
            return true;
        }
    }

    /** Four calls timed as if each million elements cost a second and an op nothing. */
    private static void measureElementsCostly(WorkQueue q) {
        for (int i = 1; i <= CostModel.MIN_SAMPLES; i++) {
            q.learn(1 + i % 2, i, Duration.ofMillis(100 + 1000L * i));
        }
    }

    @Test
    void afterEnoughMeasuredCallsWhatIsLeftStartsLongestFirstByTheLearnedCosts() {
        // By the static guess many ops outweigh many elements; the run then measures that elements cost the time.
        Job manyOps = job("many_ops", 12, 0.5);
        Job manyElements = job("many_elements", 1, 20);
        Job small = job("small", 1, 0.1);
        assertThat(manyOps.estimate).isGreaterThan(manyElements.estimate);
        WorkQueue q = new WorkQueue(Scheduling.LONGEST_FIRST, CostModel.STATIC, NO_TRACE,
                List.of(task(manyOps), task(small), task(manyElements)));
        Recorder r = new Recorder();

        measureElementsCostly(q);
        q.work(1, r);

        assertThat(r.calls).containsExactly("many_elements", "many_ops", "small");
    }

    @Test
    void twoCallsLeftAreReSortedToo() {
        Job manyOps = job("many_ops", 12, 0.5);
        Job manyElements = job("many_elements", 1, 20);
        WorkQueue q = new WorkQueue(Scheduling.LONGEST_FIRST, CostModel.STATIC, NO_TRACE,
                List.of(task(manyOps), task(manyElements)));
        Recorder r = new Recorder();

        measureElementsCostly(q);
        q.work(1, r);

        assertThat(r.calls).containsExactly("many_elements", "many_ops");
    }

    @Test
    void fewerMeasuredCallsThanTheModelNeedsKeepThePlannedOrder() {
        Job manyOps = job("many_ops", 12, 0.5);
        Job manyElements = job("many_elements", 1, 20);
        WorkQueue q = new WorkQueue(Scheduling.LONGEST_FIRST, CostModel.STATIC, NO_TRACE,
                List.of(task(manyOps), task(manyElements)));
        Recorder r = new Recorder();

        for (int i = 1; i < CostModel.MIN_SAMPLES; i++) {
            q.learn(1, i, Duration.ofSeconds(i));
        }
        q.work(1, r);

        assertThat(r.calls).containsExactly("many_ops", "many_elements");
    }

    @Test
    void planOrderAndCostsAlreadyLearnedAreNotReSorted() {
        Job manyOps = job("many_ops", 12, 0.5);
        Job manyElements = job("many_elements", 1, 20);
        CostModel learned = new CostModel(3, 0.5, 0.2, 10);
        for (WorkQueue q : List.of(
                new WorkQueue(Scheduling.PLAN_ORDER, CostModel.STATIC, NO_TRACE, List.of(task(manyOps), task(manyElements))),
                new WorkQueue(Scheduling.LONGEST_FIRST, learned, NO_TRACE, List.of(task(manyOps), task(manyElements))))) {
            Recorder r = new Recorder();

            measureElementsCostly(q);
            q.work(1, r);

            assertThat(r.calls).containsExactly("many_ops", "many_elements");
        }
    }

    @Test
    void aSingleCallLeftIsNotReSorted() {
        Job only = job("only", 1, 1);
        WorkQueue q = new WorkQueue(Scheduling.LONGEST_FIRST, CostModel.STATIC, NO_TRACE, List.of(task(only)));
        Recorder r = new Recorder();

        measureElementsCostly(q);
        q.work(1, r);

        assertThat(r.calls).containsExactly("only");
    }

    @Test
    void aCallPutOffRunsAfterEveryOtherAndTheLastOneLeftIsWaitedFor() {
        Job a = job("a", 1, 1);
        Job b = job("b", 1, 1);
        Job c = job("c", 1, 1);
        WorkQueue q = new WorkQueue(Scheduling.PLAN_ORDER, CostModel.STATIC, NO_TRACE, List.of(task(a), task(b), task(c)));
        List<String> calls = new ArrayList<>();
        WorkQueue.Runner runner = (task, wait) -> {
            Job j = task.jobs().get(0);
            calls.add(j.file.name() + (wait ? " waiting" : ""));
            // a and b are locked elsewhere when first tried, and a once more when retried without waiting.
            long tries = calls.stream().filter(s -> s.startsWith(j.file.name())).count();
            boolean locked = (j == a && tries <= 2 && !wait) || (j == b && tries == 1);
            if (locked) {
                q.putOff(List.of(j));
                return false;
            }
            return true;
        };

        q.work(1, runner);

        // Once c is done the put-off calls come back in the order they were put off, without waiting while
        // another is put off too; a, locked again, goes behind b, and as the last one left is waited for.
        assertThat(calls).containsExactly("a", "b", "c", "a", "b", "a waiting");
    }

    @Test
    void aPutOffJobIsAnInstantOnTheLaneOfTheWorkerThatMetTheLock() throws IOException {
        Path file = dir.resolve("trace.json");
        RunTrace trace = new RunTrace(Optional.of(file), System.nanoTime());
        Job a = job("a", 1, 1);
        WorkQueue q = new WorkQueue(Scheduling.LONGEST_FIRST, CostModel.STATIC, trace, List.of());
        trace.enterLane(3);

        q.putOff(List.of(a));
        trace.write();

        Map<?, ?> json = (Map<?, ?>) JsonReader.read(Files.readString(file));
        assertThat((List<?>) json.get("traceEvents")).singleElement().satisfies(e -> {
            Map<?, ?> event = (Map<?, ?>) e;
            assertThat(event.get("name")).isEqualTo("deferred a.json");
            assertThat(event.get("cat")).isEqualTo("lock");
            assertThat(((Number) event.get("tid")).intValue()).isEqualTo(3);
            assertThat(((Map<?, ?>) event.get("args")).get("file")).isEqualTo("a.json");
        });
    }

    @Test
    void aSharedCallIsReSortedAsOneStartUpPlusTheWorkOfEachJob() {
        // Learned: a start-up of 10 s, a second per million elements, ops free. Three jobs of 11 s alone share
        // a call of 13 s, shorter than a job of 15 s alone: that job starts first.
        Job x = job("x", 1, 5);
        Batching.Task<Job> shared = new Batching.Task<>(List.of(job("s1", 1, 1), job("s2", 1, 1), job("s3", 1, 1)), 100);
        WorkQueue q = new WorkQueue(Scheduling.LONGEST_FIRST, CostModel.STATIC, NO_TRACE, List.of(shared, task(x)));
        Recorder r = new Recorder();

        for (int i = 1; i <= CostModel.MIN_SAMPLES; i++) {
            q.learn(1 + i % 2, i, Duration.ofSeconds(10 + i));
        }
        q.work(1, r);

        assertThat(r.calls).containsExactly("x", "s1");
    }

    /** A runner on which each of {@code names} is locked elsewhere for its first {@code lockedTries} tries. */
    private static WorkQueue.Runner lockedFor(WorkQueue q, int lockedTries, List<String> calls, List<Long> at) {
        return (task, wait) -> {
            Job j = task.jobs().get(0);
            calls.add(j.file.name());
            at.add(System.nanoTime());
            if (calls.stream().filter(j.file.name()::equals).count() <= lockedTries) {
                q.putOff(List.of(j));
                return false;
            }
            return true;
        };
    }

    /** Two calls, a then b. */
    private static WorkQueue callsAAndB() {
        return new WorkQueue(Scheduling.PLAN_ORDER, CostModel.STATIC, NO_TRACE, List.of(task(job("a", 1, 1)), task(job("b", 1, 1))));
    }

    @Test
    void callsPutOffAgainAreRetriedAfterAPauseThatDoublesNotInABusyLoop() {
        WorkQueue q = callsAAndB();
        List<String> calls = new ArrayList<>();
        List<Long> at = new ArrayList<>();

        q.work(1, lockedFor(q, 4, calls, at));

        assertThat(calls).containsExactly("a", "b", "a", "b", "a", "b", "a", "b", "a", "b");
        // After each retry that found its lock still held the worker pauses 5 ms, then 10, 20, 40: at least
        // that long (a busy machine only makes the pauses longer). A retry that succeeds ends the pausing.
        long[] pauses = {5, 10, 20, 40};
        for (int i = 0; i < pauses.length; i++) {
            long gapMillis = (at.get(3 + i) - at.get(2 + i)) / 1_000_000;
            assertThat(gapMillis).as("pause after the failed retry %d", i + 1).isGreaterThanOrEqualTo(pauses[i] - 1);
        }
    }

    @Test
    void anInterruptWhileAWorkerPausesIsKeptForTheThreadsOwner() {
        WorkQueue q = callsAAndB();
        List<String> calls = new ArrayList<>();
        WorkQueue.Runner locked = lockedFor(q, 2, calls, new ArrayList<>());
        WorkQueue.Runner interrupting = (task, wait) -> {
            boolean done = locked.run(task, wait);
            if (calls.size() == 3) {
                // The first retry fails: the worker is interrupted before its pause.
                Thread.currentThread().interrupt();
            }
            return done;
        };

        q.work(1, interrupting);

        assertThat(calls).containsExactly("a", "b", "a", "b", "a", "b");
        assertThat(Thread.interrupted()).as("the interrupt the pause ended with is still set").isTrue();
    }
}
