package io.ivfsp.generate;

import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;

import java.util.List;

/**
 * What one compiler call costs, in seconds: a start-up per call (ATC loads the OPP and the TBE
 * environment before its first op), plus per op a fixed cost and a cost per million tensor elements.
 * Either the static guess, or fitted by least squares to the compile times the manifests recorded.
 *
 * @param startup            seconds per call
 * @param perOp              seconds per op
 * @param perMillionElements seconds per million tensor elements (inputs and outputs; a dynamic dimension counts 1)
 * @param samples            how many recorded compile times it was fitted to; 0 for the static guess
 */
record CostModel(double startup, double perOp, double perMillionElements, int samples) {

    /** The guess without measurements. */
    static final CostModel STATIC = new CostModel(3.0, 0.5, 0.2, 0);

    /** Fewer recorded times than this are not enough to fit three coefficients with any confidence. */
    static final int MIN_SAMPLES = 4;

    CostModel {
        if (!(startup >= 0) || !(perOp >= 0) || !(perMillionElements >= 0)) {
            throw new IllegalArgumentException("cost coefficients must be finite and non-negative: "
                    + startup + ", " + perOp + ", " + perMillionElements);
        }
    }

    /**
     * One recorded compiler call.
     *
     * @param ops             its ops
     * @param millionElements its tensor elements, in millions
     * @param seconds         how long it took
     */
    record Sample(int ops, double millionElements, double seconds) {
    }

    /** Whether the coefficients come from measurements. */
    boolean learned() {
        return samples > 0;
    }

    /** The expected seconds of one call compiling these ops. */
    double predict(int ops, double millionElements) {
        return startup + perOp * ops + perMillionElements * millionElements;
    }

    /** The expected seconds of one call compiling this file. */
    double predict(OpFile file) {
        return predict(file.ops().size(), millionElements(file));
    }

    /** The work of a file beyond the start-up. */
    double work(OpFile file) {
        return predict(file) - startup;
    }

    static double millionElements(OpFile file) {
        double m = 0;
        for (OpDesc op : file.ops()) {
            m += JobCost.elements(op) / 1e6;
        }
        return m;
    }

    /**
     * The coefficients that best explain the samples (least squares, none negative). Directions the
     * samples cannot tell apart (every call had one op, so start-up and per-op cost move together) are
     * settled by the static guess's proportions, scaled to the samples; fewer than {@link #MIN_SAMPLES}
     * samples, or nonsense in them, give the static guess.
     */
    static CostModel fit(List<Sample> samples) {
        List<Sample> ok = samples.stream()
                .filter(s -> s.ops() > 0 && Double.isFinite(s.seconds()) && s.seconds() > 0
                        && Double.isFinite(s.millionElements()) && s.millionElements() >= 0)
                .toList();
        if (ok.size() < MIN_SAMPLES) {
            return STATIC;
        }
        double[] prior = {STATIC.startup, STATIC.perOp, STATIC.perMillionElements};
        // The prior scaled to the samples: only its proportions are a guess, not its size.
        double measured = 0;
        double guessed = 0;
        double[] scale = new double[3];
        for (Sample s : ok) {
            measured += s.seconds();
            guessed += STATIC.predict(s.ops(), s.millionElements());
            scale[0] += 1;
            scale[1] += s.ops();
            scale[2] += s.millionElements();
        }
        double k = measured / guessed;
        for (int j = 0; j < 3; j++) {
            prior[j] *= k;
            // The weight of a coefficient is its typical contribution, so the pull is in seconds for each.
            scale[j] = Math.pow(scale[j] / ok.size(), 2);
        }
        // A pull towards the prior that is negligible wherever the samples decide, decisive where they cannot.
        double lambda = 1e-6 * ok.size();
        double[] best = null;
        double bestResidual = Double.POSITIVE_INFINITY;
        // Non-negative least squares over three coefficients: try every set of coefficients held at zero.
        for (int free = 7; free >= 1; free--) {
            double[] theta = solve(ok, prior, scale, lambda, free);
            if (theta == null) {
                continue;
            }
            boolean feasible = true;
            for (double t : theta) {
                feasible &= t >= 0 && Double.isFinite(t);
            }
            if (!feasible) {
                continue;
            }
            double r = residual(ok, theta);
            if (r < bestResidual - 1e-12) {
                bestResidual = r;
                best = theta;
            }
        }
        // Never null: a start-up alone (free = 1) is always a solution, the mean of positive times.
        return new CostModel(best[0], best[1], best[2], ok.size());
    }

    private static double residual(List<Sample> samples, double[] theta) {
        double r = 0;
        for (Sample s : samples) {
            double e = theta[0] + theta[1] * s.ops() + theta[2] * s.millionElements() - s.seconds();
            r += e * e;
        }
        return r;
    }

    /** Ridge-regularised normal equations over the coefficients in {@code free} (a bit mask); the others are 0. */
    private static double[] solve(List<Sample> samples, double[] prior, double[] weight, double lambda, int free) {
        int[] idx = new int[3];
        int n = 0;
        for (int j = 0; j < 3; j++) {
            if ((free & (1 << j)) != 0) {
                idx[n++] = j;
            }
        }
        double[][] a = new double[n][n + 1];
        for (Sample s : samples) {
            double[] x = {1, s.ops(), s.millionElements()};
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    a[r][c] += x[idx[r]] * x[idx[c]];
                }
                a[r][n] += x[idx[r]] * s.seconds();
            }
        }
        double trace = 0;
        for (int r = 0; r < n; r++) {
            trace += a[r][r];
        }
        for (int r = 0; r < n; r++) {
            double w = lambda * trace * weight[idx[r]] / Math.max(1e-300, sumOf(weight, idx, n));
            a[r][r] += w;
            a[r][n] += w * prior[idx[r]];
        }
        double[] sol = gauss(a, n);
        if (sol == null) {
            return null;
        }
        double[] theta = new double[3];
        for (int r = 0; r < n; r++) {
            theta[idx[r]] = sol[r];
        }
        return theta;
    }

    private static double sumOf(double[] w, int[] idx, int n) {
        double s = 0;
        for (int r = 0; r < n; r++) {
            s += w[idx[r]];
        }
        return s / n;
    }

    private static double[] gauss(double[][] a, int n) {
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][c]) < 1e-300) {
                return null;
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = a[r][c] / a[c][c];
                    for (int k = c; k <= n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int r = 0; r < n; r++) {
            x[r] = a[r][n] / a[r][r];
        }
        return x;
    }
}
