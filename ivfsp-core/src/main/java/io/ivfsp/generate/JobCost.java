package io.ivfsp.generate;

import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.TensorDesc;

/**
 * The size of an op as the cost model counts it: its tensor elements, inputs and outputs, a dynamic
 * dimension counting 1. What a call costs is {@link CostModel}'s business.
 */
final class JobCost {

    private JobCost() {
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
