package io.ivfsp.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.ModelSet;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The value types of the catalog: tensors, ranges, ops and files refuse what ATC could not compile. */
class DescriptorsTest {

    private static final OpDesc FP_TO_FP16 = new OpDesc("FpToFp16", List.of(TensorDesc.of(DataType.FLOAT32, 1, 256)),
            List.of(TensorDesc.of(DataType.FLOAT16, 1, 256), TensorDesc.of(DataType.UINT16, 8, 16)));

    @Test
    void tensorLabelIsTypeAndShape() {
        assertThat(TensorDesc.of(DataType.FLOAT16, 1, 256).label()).isEqualTo("float16[1,256]");
        assertThat(TensorDesc.of(DataType.INT8, 7).label()).isEqualTo("int8[7]");
        assertThat(TensorDesc.dynamic(DataType.INT64, 3).label()).isEqualTo("int64[-1,-1,-1]");
        assertThat(TensorDesc.of(DataType.BOOL).label()).isEqualTo("bool[]");
    }

    @Test
    void labelsAreSeparatedBySingleSpaces() {
        assertThat(TensorDesc.labels(FP_TO_FP16.outputs())).isEqualTo("float16[1,256] uint16[8,16]");
        assertThat(TensorDesc.labels(FP_TO_FP16.inputs())).isEqualTo("float32[1,256]");
        assertThat(TensorDesc.labels(List.of())).isEmpty();
    }

    @Test
    void dynamicTensorHasOneAtLeastOneRangePerDimension() {
        TensorDesc t = TensorDesc.dynamic(DataType.FLOAT16, 4);

        assertThat(t.rank()).isEqualTo(4);
        assertThat(t.shape()).containsOnly(-1L).hasSize(4);
        assertThat(t.shapeRange()).containsOnly(DimRange.AT_LEAST_ONE).hasSize(4);
        assertThat(TensorDesc.of(DataType.FLOAT16, 2, 3).rank()).isEqualTo(2);
        assertThat(TensorDesc.of(DataType.FLOAT16, 2, 3).shapeRange()).isEmpty();
    }

    @Test
    void tensorDimensionsMustBePositiveOrDynamic() {
        assertThat(TensorDesc.of(DataType.UINT8, 1, -1).shape()).containsExactly(1L, -1L);
        assertThatThrownBy(() -> TensorDesc.of(DataType.UINT8, 4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dimension must be positive or -1 (dynamic): [4, 0]");
        assertThatThrownBy(() -> TensorDesc.of(DataType.UINT8, -2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[-2]");
    }

    @Test
    void tensorNeedsOneRangePerDimensionOrNone() {
        assertThatThrownBy(() -> new TensorDesc(DataType.INT8, Format.ND, List.of(-1L, -1L),
                List.of(DimRange.AT_LEAST_ONE))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shape range has 1 entries for a tensor of rank 2");
        assertThatThrownBy(() -> new TensorDesc(null, Format.ND, List.of(), List.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("type");
        assertThatThrownBy(() -> new TensorDesc(DataType.INT8, null, List.of(), List.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("format");
    }

    @Test
    void dimRangeBounds() {
        assertThat(new DimRange(0, 0)).isEqualTo(new DimRange(0, 0));
        assertThat(new DimRange(3, -1).max()).isEqualTo(-1);
        assertThatThrownBy(() -> new DimRange(-1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range minimum must not be negative: -1");
        assertThatThrownBy(() -> new DimRange(4, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range maximum must be -1 or at least 4: 3");
        assertThatThrownBy(() -> new DimRange(4, -2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void opTypeMustBeGivenAndTensorListsAreCopied() {
        assertThatThrownBy(() -> new OpDesc("", List.of(), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("op type must not be empty");
        assertThatThrownBy(() -> new OpDesc(null, List.of(), List.of())).isInstanceOf(NullPointerException.class);
        java.util.ArrayList<TensorDesc> inputs = new java.util.ArrayList<>(List.of(TensorDesc.of(DataType.INT8, 1)));
        OpDesc op = new OpDesc("Op", inputs, List.of());
        inputs.clear();
        assertThat(op.inputs()).hasSize(1);
    }

    @Test
    void descriptorsAreEqualExactlyWhenEveryPartIsAndEqualOnesHashAlike() {
        // Plans are compared and used as map keys by value: each part alone makes two descriptors differ.
        DimRange range = new DimRange(1, 8);
        valueSemantics(range, new DimRange(1, 8), new DimRange(2, 8), new DimRange(1, 9));

        TensorDesc tensor = TensorDesc.of(DataType.FLOAT16, 1, 256);
        TensorDesc dynamic = TensorDesc.dynamic(DataType.FLOAT16, 2);
        valueSemantics(tensor, TensorDesc.of(DataType.FLOAT16, 1, 256), TensorDesc.of(DataType.FLOAT32, 1, 256),
                TensorDesc.of(DataType.FLOAT16, 1, 128), TensorDesc.of(DataType.FLOAT16, 256, 1));
        valueSemantics(dynamic, TensorDesc.dynamic(DataType.FLOAT16, 2),
                new TensorDesc(DataType.FLOAT16, Format.ND, dynamic.shape(), List.of(range, DimRange.AT_LEAST_ONE)));

        valueSemantics(FP_TO_FP16, new OpDesc("FpToFp16", FP_TO_FP16.inputs(), FP_TO_FP16.outputs()),
                new OpDesc("FpToFp32", FP_TO_FP16.inputs(), FP_TO_FP16.outputs()),
                new OpDesc("FpToFp16", List.of(tensor), FP_TO_FP16.outputs()),
                new OpDesc("FpToFp16", FP_TO_FP16.inputs(), List.of(tensor)));

        OpFile file = new OpFile("fp_to_fp16_op_1_pid0", ModelSet.SERVICE, List.of(FP_TO_FP16));
        valueSemantics(file, new OpFile("fp_to_fp16_op_1_pid0", ModelSet.SERVICE, List.of(FP_TO_FP16)),
                new OpFile("fp_to_fp16_op_2_pid0", ModelSet.SERVICE, List.of(FP_TO_FP16)),
                new OpFile("fp_to_fp16_op_1_pid0", ModelSet.TRAINING, List.of(FP_TO_FP16)),
                new OpFile("fp_to_fp16_op_1_pid0", ModelSet.SERVICE, List.of(FP_TO_FP16, FP_TO_FP16)));
    }

    /** {@code a} equals {@code same} with the same hash, and differs from each of {@code others}, hashes too. */
    private static void valueSemantics(Object a, Object same, Object... others) {
        assertThat(a.equals(same)).isTrue();
        assertThat(same.equals(a)).isTrue();
        assertThat(a.hashCode()).isEqualTo(same.hashCode());
        assertThat(a.equals(null)).isFalse();
        assertThat(a.equals(a.toString())).isFalse();
        for (Object other : others) {
            assertThat(a.equals(other)).as("%s vs %s", a, other).isFalse();
            assertThat(other.equals(a)).as("%s vs %s", other, a).isFalse();
            // distinct keys spread over a map's buckets (a constant hash would turn lookups into scans)
            assertThat(a.hashCode()).as("hash of %s vs %s", a, other).isNotEqualTo(other.hashCode());
        }
    }

    @Test
    void opFileNamesItsOpsAndModels() {
        OpFile f = new OpFile("fp_to_fp16_op_1_pid0", ModelSet.SERVICE, List.of(FP_TO_FP16, FP_TO_FP16));

        assertThat(f.opTypes()).containsExactly("FpToFp16", "FpToFp16");
        assertThat(f.fileName()).isEqualTo("fp_to_fp16_op_1_pid0.json");
        assertThat(f.omFileNames()).containsExactly("0_FpToFp16_0_2_1_256_1_2_1_256_7_2_8_16.om",
                "1_FpToFp16_0_2_1_256_1_2_1_256_7_2_8_16.om");
        assertThat(new String(f.jsonBytes(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(f.json());
    }

    @Test
    void opFileNameMustBeAPlainFileNameAndOpsNonEmpty() {
        for (String bad : List.of("", "../x", "a/b", ".hidden", "-x", "a b", "é")) {
            assertThatThrownBy(() -> new OpFile(bad, ModelSet.SERVICE, List.of(FP_TO_FP16)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> new OpFile("x", ModelSet.AICPU, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("op file x has no ops");
        assertThatThrownBy(() -> new OpFile("x", null, List.of(FP_TO_FP16))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void enumNumbersAreThoseOfGeAndAcl() {
        assertThat(DataType.FLOAT.atcEnum()).isEqualTo(DataType.FLOAT32.atcEnum()).isZero();
        assertThat(DataType.FLOAT.jsonName()).isEqualTo("float");
        assertThat(DataType.BOOL.atcEnum()).isEqualTo(12);
        assertThat(Format.ND.jsonName()).isEqualTo("ND");
        assertThat(Format.ND.atcEnum()).isEqualTo(2);
    }
}
