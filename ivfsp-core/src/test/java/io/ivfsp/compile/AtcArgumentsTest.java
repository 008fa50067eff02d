package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.DataType;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AtcArgumentsTest {

    private static OpFile file(ModelSet set) {
        return new OpFile("op", set, List.of(new OpDesc("Foo", List.of(TensorDesc.of(DataType.FLOAT16, 1, 8)),
                List.of(TensorDesc.of(DataType.FLOAT16, 1, 8)))));
    }

    private static CompileRequest request(ModelSet set, Path json, Path out) {
        return new CompileRequest(file(set), json, out, Path.of("/w"), "Ascend310P3", Optional.empty(), new Cancellation());
    }

    @Test
    void serviceSetPassesTheReferenceOptionsInTheReferenceOrder() {
        assertThat(AtcArguments.of(request(ModelSet.SERVICE, Path.of("/j/op.json"), Path.of("/o"))))
                .containsExactly("--singleop=/j/op.json", "--soc_version=Ascend310P3", "--output=/o", "--log=error");
    }

    @Test
    void trainingSetPassesNoLogLevelAsTheReferenceDoes() {
        assertThat(AtcArguments.of(request(ModelSet.TRAINING, Path.of("/j/op.json"), Path.of("/o"))))
                .containsExactly("--singleop=/j/op.json", "--soc_version=Ascend310P3", "--output=/o");
        assertThat(AtcArguments.log(file(ModelSet.TRAINING))).isEmpty();
    }

    @Test
    void relativePathsArePassedAbsolute() {
        // ATC runs in the job's own working directory: a relative path would name another file there.
        List<String> args = AtcArguments.of(request(ModelSet.SERVICE, Path.of("op.json"), Path.of("out")));

        assertThat(args.get(0)).isEqualTo("--singleop=" + Path.of("op.json").toAbsolutePath());
        assertThat(args.get(2)).isEqualTo("--output=" + Path.of("out").toAbsolutePath());
    }

    @Test
    void singleOptionsAreSpelledAsAtcReadsThem() {
        assertThat(AtcArguments.socVersion("Ascend910B4")).isEqualTo("--soc_version=Ascend910B4");
        assertThat(AtcArguments.log(file(ModelSet.SERVICE))).hasValue("--log=error");
    }
}
