package io.ivfsp.ops;

import java.util.List;

/**
 * The file name ATC gives the model of one op of a single-op JSON file when the op has no
 * {@code "name"}: {@code <index>_<OpType>}, then {@code _<dtype>_<format>} and {@code _<dim>} for
 * each dimension of every input and then every output, cut to 128 characters, then {@code .om}.
 */
public final class AtcNaming {

    /** ATC cuts the name stem (without {@code .om}) to this many characters. */
    public static final int MAX_STEM_LENGTH = 128;

    /** The extension of operator model files. */
    public static final String OM_SUFFIX = ".om";

    private AtcNaming() {
    }

    /**
     * The default {@code .om} file name of {@code op} at position {@code index} of its JSON file.
     *
     * @throws IllegalArgumentException if index is negative
     */
    public static String omFileName(int index, OpDesc op) {
        if (index < 0) {
            throw new IllegalArgumentException("op index must not be negative: " + index);
        }
        StringBuilder stem = new StringBuilder().append(index).append('_').append(op.opType());
        appendTensors(stem, op.inputs());
        appendTensors(stem, op.outputs());
        stem.setLength(Math.min(stem.length(), MAX_STEM_LENGTH));
        return stem.append(OM_SUFFIX).toString();
    }

    private static void appendTensors(StringBuilder stem, List<TensorDesc> tensors) {
        for (TensorDesc t : tensors) {
            stem.append('_').append(t.type().atcEnum()).append('_').append(t.format().atcEnum());
            for (long d : t.shape()) {
                stem.append('_').append(d);
            }
        }
    }
}
