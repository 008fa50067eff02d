package io.ivfsp.generate;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The compiler calls of a run not started yet, in start order, and those put off because another
 * generator (thread or process) holds a job's lock; the loop each worker runs over them; and the
 * re-ordering of what is left once the run has measured enough compile times.
 */
final class WorkQueue {

    /** Runs one call; false if nothing was done because every job of it is locked elsewhere. */
    interface Runner {
        boolean run(Batching.Task<Job> task, boolean wait);
    }

    private final Scheduling scheduling;
    private final CostModel costs;
    private final RunTrace trace;
    private final Object queueLock = new Object();
    private final ArrayDeque<Batching.Task<Job>> queue = new ArrayDeque<>();
    private final List<Batching.Task<Job>> deferred = new ArrayList<>();
    private final List<CostModel.Sample> measured = new ArrayList<>();

    /** @param costs the cost model the calls were planned with */
    WorkQueue(Scheduling scheduling, CostModel costs, RunTrace trace, List<Batching.Task<Job>> order) {
        this.scheduling = scheduling;
        this.costs = costs;
        this.trace = trace;
        queue.addAll(order);
    }

    /**
     * One worker: takes the next call; a call whose lock another process holds is put off rather than
     * waited for while other calls can run, and come back to when nothing else is left.
     */
    void work(int laneNumber, Runner runner) {
        trace.enterLane(laneNumber);
        long pause = 5;
        while (true) {
            Batching.Task<Job> task;
            boolean retry;
            synchronized (queueLock) {
                task = queue.poll();
                retry = task == null;
                if (retry) {
                    if (deferred.isEmpty()) {
                        return;
                    }
                    task = deferred.remove(0);
                }
            }
            if (!retry) {
                runner.run(task, false);
                continue;
            }
            // Nothing new to start: come back to what was put off. The last one left is waited for.
            boolean last;
            synchronized (queueLock) {
                last = deferred.isEmpty();
            }
            if (runner.run(task, last)) {
                pause = 5;
            } else {
                sleep(pause);
                pause = Math.min(pause * 2, 100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Puts jobs off whose lock another generator holds, each alone: they may come free at different times. */
    void putOff(List<Job> busy) {
        synchronized (queueLock) {
            busy.forEach(j -> deferred.add(new Batching.Task<>(List.of(j), j.estimate)));
        }
        trace.deferred(busy);
    }

    /** Refits the costs with what this run measured, and re-sorts the calls not started yet by them. */
    void learn(int ops, double millionElements, Duration elapsed) {
        if (scheduling != Scheduling.LONGEST_FIRST) {
            return;
        }
        synchronized (queueLock) {
            measured.add(new CostModel.Sample(ops, millionElements, elapsed.toNanos() / 1e9));
            if (costs.learned() || measured.size() < CostModel.MIN_SAMPLES || queue.size() < 2) {
                return;
            }
            CostModel model = CostModel.fit(measured);
            if (!model.learned()) {
                return;
            }
            // Only the order of what is left changes; the calls themselves were planned at the start.
            List<Batching.Task<Job>> rest = new ArrayList<>(queue);
            queue.clear();
            rest.sort(Comparator.comparingDouble((Batching.Task<Job> t) -> t.jobs().stream()
                    .mapToDouble(j -> j.expected(model) - model.startup()).sum() + model.startup()).reversed());
            queue.addAll(rest);
        }
    }
}
