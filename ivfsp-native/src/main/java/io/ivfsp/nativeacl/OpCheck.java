package io.ivfsp.nativeacl;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.TensorDesc;


/**
 * Whether ACL found a model for one expected op.
 *
 * @param set      the model set the op belongs to
 * @param jsonFile the single-op JSON file it is compiled from
 * @param opIndex  its position in that file
 * @param op       the descriptor ACL was asked for
 * @param omFile   the file name ATC gives its model
 * @param aclError 0 when a model matched, else {@code aclopCreateHandle}'s error (100024: no model matches)
 * @param message  ACL's message for the error, empty when present
 * @param loadedBefore whether ACL already served the op before the directory was loaded (by the host's
 *                 model directory or an earlier verification in this process): present then says
 *                 nothing about the directory itself
 */
public record OpCheck(ModelSet set, String jsonFile, int opIndex, OpDesc op, String omFile, int aclError,
                      String message, boolean loadedBefore) {

    /** Whether a loaded model matches the descriptor. */
    public boolean present() {
        return aclError == 0;
    }

    /** {@code FpToFp16 in: float32[1,256] out: float16[1,256] uint16[8,16]}. */
    public String descriptor() {
        return op.opType() + " in: " + TensorDesc.labels(op.inputs()) + " out: " + TensorDesc.labels(op.outputs());
    }
}
