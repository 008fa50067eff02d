package io.ivfsp.compile;

import io.ivfsp.ops.DimRange;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.TensorDesc;

import java.nio.charset.StandardCharsets;

/**
 * The content of a simulated {@code .om} file: a few text lines that describe the op the way ACL
 * matches it (op type; each tensor's data type, format, dims and shape range), so that the mock
 * CANN library of {@code ivfsp-native} can load it. A real runtime rejects it.
 *
 * <pre>
 * IVFSP-MOCK-OM 1
 * soc Ascend310P3
 * op FpToFp16
 * input 0 2 2 1 256 0            (dtype format rank dims... rangeCount [min max]...)
 * output 1 2 2 1 256 0
 * end
 * </pre>
 */
public final class MockOmFormat {

    /** First line of every simulated model. */
    public static final String MAGIC = "IVFSP-MOCK-OM 1";

    private MockOmFormat() {
    }

    /** The bytes of a simulated model of {@code op} compiled for {@code socVersion}. */
    public static byte[] content(OpDesc op, String socVersion) {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n')
                .append("soc ").append(socVersion).append('\n')
                .append("op ").append(op.opType()).append('\n');
        op.inputs().forEach(t -> tensor(sb, "input", t));
        op.outputs().forEach(t -> tensor(sb, "output", t));
        return sb.append("end\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void tensor(StringBuilder sb, String kind, TensorDesc t) {
        sb.append(kind).append(' ').append(t.type().atcEnum()).append(' ').append(t.format().atcEnum())
                .append(' ').append(t.rank());
        t.shape().forEach(d -> sb.append(' ').append(d));
        sb.append(' ').append(t.shapeRange().size());
        for (DimRange r : t.shapeRange()) {
            sb.append(' ').append(r.min()).append(' ').append(r.max());
        }
        sb.append('\n');
    }
}
