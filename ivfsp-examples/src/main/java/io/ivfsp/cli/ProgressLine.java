package io.ivfsp.cli;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.generate.GenerationListener;
import io.ivfsp.generate.JobProgress;
import io.ivfsp.generate.ModelHandle;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a generation on standard error. On a terminal: one line (done/total, running,
 * failed, elapsed, ETA) redrawn in place on a timer as well as on every event, never going
 * backwards. Elsewhere: one plain line per finished job, without carriage returns, whose count
 * includes the job it reports and every one reported above it (events from several workers can
 * arrive in another order than their counts).
 */
final class ProgressLine implements GenerationListener {

    /** Where the terminal line is drawn. */
    interface Status {
        /** Shows {@code line} in place of the previous one. */
        void show(String line);

        /** Removes the line. */
        void clear();
    }

    private static final long REDRAW_MILLIS = 250;

    private final Status terminal;
    private final PrintWriter plain;
    private final long start = System.nanoTime();
    private ScheduledExecutorService timer;
    private int done;
    private int failed;
    private int total;
    private int running;
    /** Finished jobs, and failed ones, that plain lines have reported: line k shows k, whatever order events come in. */
    private int reported;
    private int reportedFailed;
    private boolean finished;

    private ProgressLine(Status terminal, PrintWriter plain) {
        this.terminal = terminal;
        this.plain = plain;
    }

    /**
     * @param terminal where to draw the live line when standard error is a terminal, else null
     * @param plain    where to print a line per finished job when it is not a terminal
     * @param silent   whether to print nothing ({@code -q}, {@code --json})
     */
    static ProgressLine create(Status terminal, PrintWriter plain, boolean silent) {
        if (silent) {
            return new ProgressLine(null, null);
        }
        return terminal != null ? new ProgressLine(terminal, null) : new ProgressLine(null, plain);
    }

    /** The line for these counts. */
    static String render(int done, int total, int running, int failed, Duration elapsed) {
        String eta = "-";
        if (done > 0 && done < total) {
            eta = Reports.seconds(elapsed.dividedBy(done).multipliedBy(total - done));
        } else if (done == total) {
            eta = "0.0s";
        }
        return "[" + done + "/" + total + "] running " + running + (failed > 0 ? ", failed " + failed : "")
                + ", elapsed " + Reports.seconds(elapsed) + ", ETA " + eta;
    }

    private synchronized void update(JobProgress p, String finishedJob, boolean jobFailed) {
        if (finished) {
            return;
        }
        // Events come from several workers: a late one may carry older counts.
        done = Math.max(done, p.completed());
        failed = Math.max(failed, p.failed());
        total = p.total();
        running = p.running();
        if (terminal != null) {
            if (timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "ivfsp-progress");
                    t.setDaemon(true);
                    return t;
                });
                timer.scheduleAtFixedRate(this::redraw, REDRAW_MILLIS, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
            }
            redraw();
        } else if (plain != null && finishedJob != null) {
            reported++;
            reportedFailed += jobFailed ? 1 : 0;
            plain.println(render(reported, total, running, reportedFailed, elapsed()) + ": " + finishedJob);
            plain.flush();
        }
    }

    private synchronized void redraw() {
        if (!finished) {
            terminal.show(render(done, total, running, failed, elapsed()));
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Stops redrawing and leaves the last state on its own line. */
    synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.shutdownNow();
            terminal.show(render(done, total, running, failed, elapsed()) + System.lineSeparator());
            terminal.clear();
        }
    }

    @Override
    public void jobStarted(JobProgress progress) {
        update(progress, null, false);
    }

    @Override
    public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
        boolean reused = true;
        for (ModelHandle m : models) {   // (not a stream: its lambda would be linked in every warm run)
            reused &= m.reused();
        }
        update(progress, progress.file().fileName() + " " + (reused ? "reused" : "compiled"), false);
    }

    @Override
    public void jobFailed(JobProgress progress, CompileFailure failure) {
        update(progress, progress.file().fileName() + " FAILED" + failure.errorCode().map(c -> " " + c).orElse(""), true);
    }

    @Override
    public void jobSkipped(JobProgress progress) {
        update(progress, progress.file().fileName() + " not started", false);
    }
}
