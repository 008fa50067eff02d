package io.ivfsp.cli;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.generate.GenerationListener;
import io.ivfsp.generate.JobProgress;
import io.ivfsp.generate.ModelHandle;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** A live progress line on a terminal: done/total, running, failed, elapsed, ETA; redrawn in place. */
final class ProgressLine implements GenerationListener {

    private final PrintWriter err;
    private final boolean enabled;
    private int width;

    ProgressLine(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** The line for a state of the generation. */
    static String render(JobProgress p) {
        int done = p.completed();
        String eta = "-";
        if (done > 0 && done < p.total()) {
            long perJob = p.elapsed().toNanos() / done;
            eta = Reports.seconds(Duration.ofNanos(perJob * (p.total() - done)));
        } else if (done == p.total()) {
            eta = "0.0s";
        }
        return "[" + done + "/" + p.total() + "] running " + p.running()
                + (p.failed() > 0 ? ", failed " + p.failed() : "")
                + ", elapsed " + Reports.seconds(p.elapsed()) + ", ETA " + eta;
    }

    private synchronized void draw(JobProgress p) {
        if (!enabled) {
            return;
        }
        String line = render(p);
        int pad = Math.max(0, width - line.length());
        width = line.length();
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
    }

    /** Ends the line so that what follows starts on a new one. */
    synchronized void finish() {
        if (enabled && width > 0) {
            err.println();
        }
    }

    @Override
    public void jobStarted(JobProgress progress) {
        draw(progress);
    }

    @Override
    public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
        draw(progress);
    }

    @Override
    public void jobFailed(JobProgress progress, CompileFailure failure) {
        draw(progress);
    }

    @Override
    public void jobSkipped(JobProgress progress) {
        draw(progress);
    }
}
