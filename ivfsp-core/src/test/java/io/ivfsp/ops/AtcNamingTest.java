package io.ivfsp.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class AtcNamingTest {

    @Test
    void nameListsTypeFormatAndDimsOfInputsThenOutputs() {
        OpDesc op = new OpDesc("FpToFp16", List.of(TensorDesc.of(DataType.FLOAT32, 2, 256)),
                List.of(TensorDesc.of(DataType.FLOAT16, 2, 256), TensorDesc.of(DataType.UINT16, 8, 16)));

        assertThat(AtcNaming.omFileName(0, op)).isEqualTo("0_FpToFp16_0_2_2_256_1_2_2_256_7_2_8_16.om");
    }

    @Test
    void indexIsThePositionInTheFile() {
        OpDesc op = new OpDesc("VecL2SqrSp", List.of(TensorDesc.dynamic(DataType.INT8, 2)),
                List.of(TensorDesc.dynamic(DataType.INT32, 2)));

        assertThat(AtcNaming.omFileName(3, op)).isEqualTo("3_VecL2SqrSp_2_2_-1_-1_3_2_-1_-1.om");
    }

    @Test
    void stemIsCutTo128CharactersBeforeTheSuffix() {
        OpDesc op = new OpDesc("Op", List.of(TensorDesc.of(DataType.UINT8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)), List.of());

        String name = AtcNaming.omFileName(0, op);

        assertThat(name).endsWith(".om").hasSize(128 + 3);
        assertThat(name).startsWith("0_Op_4_2_1_1");
    }

    @Test
    void stemOfExactly128CharactersIsKept() {
        // "0_Op" + "_4_2" + n * "_1" : 4 + 4 + 2n = 128 -> n = 60
        long[] dims = new long[60];
        java.util.Arrays.fill(dims, 1);
        OpDesc op = new OpDesc("Op", List.of(TensorDesc.of(DataType.UINT8, dims)), List.of());

        assertThat(AtcNaming.omFileName(0, op)).hasSize(131).endsWith("_1_1.om");
    }

    @Test
    void negativeIndexIsRejected() {
        OpDesc op = new OpDesc("Op", List.of(), List.of());

        assertThatThrownBy(() -> AtcNaming.omFileName(-1, op)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
