package io.ivfsp.generate;

import io.ivfsp.generate.Batching.Item;

import java.util.ArrayList;
import java.util.List;

/**
 * The points (ops, million elements) of the jobs as they are. A point below the upper convex hull of
 * theirs costs, under any a, b >= 0, at most a * ops + b * elements of some job.
 */
final class Hull {
    private final double[] alphas;
    private final double[] maxima;

    Hull(java.util.Collection<Item> items) {
        double[][] p = items.stream().map(i -> new double[]{i.ops(), i.millionElements()}).toArray(double[][]::new);
        // The worst-case direction (a, b) = (alpha, 1 - alpha); max over jobs is convex in alpha, so checking
        // at the ends and at every crossing of two jobs' lines is exact.
        List<Double> as = new ArrayList<>(List.of(0.0, 1.0));
        for (int i = 0; i < p.length; i++) {
            for (int k = i + 1; k < p.length; k++) {
                // alpha*oi + (1-alpha)*mi = alpha*ok + (1-alpha)*mk
                double den = (p[i][0] - p[i][1]) - (p[k][0] - p[k][1]);
                if (Math.abs(den) > 1e-12) {
                    double a = (p[k][1] - p[i][1]) / den;
                    if (a > 0 && a < 1) {
                        as.add(a);
                    }
                }
            }
        }
        // Keep the ends and the breakpoints of the envelope (two jobs' lines at the maximum): at most one per job.
        List<double[]> kept = new ArrayList<>();
        for (double a : as.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray()) {
            double max = Double.NEGATIVE_INFINITY;
            int atMax = 0;
            for (double[] q : p) {
                double v = a * q[0] + (1 - a) * q[1];
                if (v > max * (1 + 1e-12) + 1e-15) {
                    max = v;
                    atMax = 1;
                } else if (v >= max * (1 - 1e-12) - 1e-15) {
                    atMax++;
                }
            }
            if (a == 0.0 || a == 1.0 || atMax >= 2) {
                kept.add(new double[]{a, max});
            }
        }
        alphas = kept.stream().mapToDouble(k -> k[0]).toArray();
        maxima = kept.stream().mapToDouble(k -> k[1]).toArray();
    }

    boolean dominates(double ops, double millionElements) {
        for (int a = 0; a < alphas.length; a++) {
            if (alphas[a] * ops + (1 - alphas[a]) * millionElements > maxima[a] * (1 + 1e-9) + 1e-12) {
                return false;
            }
        }
        return true;
    }
}
