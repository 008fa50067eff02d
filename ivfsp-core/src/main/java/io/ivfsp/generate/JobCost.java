package io.ivfsp.generate;

import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

/**
 * Expected compile time of a job, for longest-expected-first scheduling: the time the manifest
 * recorded for it when there is one, else an estimate from its shapes. Only the order matters; the
 * estimate is in rough seconds so that recorded and estimated jobs compare sensibly.
 */
final class JobCost {

    /** Start-up of one ATC process, in the estimate. */
    static final double STARTUP_SECONDS = 3.0;
    /** Per operator, in the estimate. */
    static final double PER_OP_SECONDS = 0.5;
    /** Per million tensor elements (inputs and outputs; a dynamic dimension counts 1), in the estimate. */
    static final double PER_MILLION_ELEMENTS_SECONDS = 0.2;

    private JobCost() {
    }

    /** The estimate from the shapes alone. */
    static double estimateSeconds(OpFile file) {
        double s = STARTUP_SECONDS;
        for (OpDesc op : file.ops()) {
            s += PER_OP_SECONDS + PER_MILLION_ELEMENTS_SECONDS * elements(op) / 1e6;
        }
        return s;
    }

    static double elements(OpDesc op) {
        double total = 0;
        for (TensorDesc t : op.inputs()) {
            total += elements(t);
        }
        for (TensorDesc t : op.outputs()) {
            total += elements(t);
        }
        return total;
    }

    private static double elements(TensorDesc t) {
        double n = 1;
        for (long d : t.shape()) {
            n *= Math.max(d, 1);
        }
        return n;
    }
}
