package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.DataType;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class CompileFailureTest {

    private static OpDesc op(String type) {
        return new OpDesc(type, List.of(TensorDesc.of(DataType.FLOAT16, 1, 8)), List.of(TensorDesc.of(DataType.FLOAT16, 1, 8)));
    }

    private static final OpFile BATCH = new OpFile("batch", ModelSet.SERVICE, List.of(op("Foo"), op("Foo"), op("Bar")));
    private static final String NL = System.lineSeparator();

    @Test
    void describe_anInProcessFailureWithoutCommandOrOutputIsOneLine() {
        CompileFailure f = new CompileFailure(BATCH, CompileFailure.Kind.BACKEND, "it broke", List.of(),
                OptionalInt.empty(), Optional.empty(), " \n", Duration.ZERO);

        assertThat(f.describe()).isEqualTo("batch.json (Foo, Bar): it broke");
        assertThat(f).hasToString(f.describe());
        assertThat(f.ops()).containsExactly("Foo", "Foo", "Bar");
    }

    @Test
    void describe_aProcessFailureNamesStatusCodeCommandAndIndentedOutput() {
        CompileFailure f = new CompileFailure(BATCH, CompileFailure.Kind.EXIT_STATUS, "ATC failed",
                List.of("/bin/atc", "--singleop=/x.json"), OptionalInt.of(255), Optional.of("E10025"),
                "line 1\nE10025: bad", Duration.ofSeconds(1));

        assertThat(f.describe()).isEqualTo("batch.json (Foo, Bar): ATC failed; exit status 255; ATC error E10025" + NL
                + "  command: /bin/atc --singleop=/x.json" + NL
                + "  output (tail):" + NL
                + "    line 1" + NL
                + "    E10025: bad");
    }

    @Test
    void withFile_reportsTheSameFailureForAnotherFile() {
        CompileFailure f = new CompileFailure(BATCH, CompileFailure.Kind.TIMEOUT, "timed out", List.of("atc"),
                OptionalInt.empty(), Optional.of("EZ9999"), "tail", Duration.ofSeconds(3));
        OpFile other = new OpFile("other", ModelSet.TRAINING, List.of(op("Baz")));

        assertThat(f.withFile(other)).isEqualTo(new CompileFailure(other, CompileFailure.Kind.TIMEOUT, "timed out",
                List.of("atc"), OptionalInt.empty(), Optional.of("EZ9999"), "tail", Duration.ofSeconds(3)));
    }

    @Test
    void theCommandIsCopied() {
        List<String> command = new ArrayList<>(List.of("atc"));
        CompileFailure f = new CompileFailure(BATCH, CompileFailure.Kind.LAUNCH, "x", command, OptionalInt.empty(),
                Optional.empty(), "", Duration.ZERO);
        command.add("--later");

        assertThat(f.command()).containsExactly("atc");
    }

    @Test
    void errorCode_onlyAtTheStartOfALine() {
        assertThat(CompileFailure.findErrorCode("see E10025: in the middle")).isEmpty();
        assertThat(CompileFailure.findErrorCode("E1002: too short")).isEmpty();
        assertThat(CompileFailure.findErrorCode("E10025: first\nE19999: second")).hasValue("E10025");
    }

    @Test
    void compileRequest_negativeWorkersAreRefusedAndZeroLeavesItToTheCompiler() {
        OpFile file = new OpFile("f", ModelSet.SERVICE, List.of(op("Foo")));
        Path p = Path.of("/x");

        assertThat(new CompileRequest(file, p, p, p, "Ascend310P3", Optional.empty(), new Cancellation()).compileWorkers())
                .isZero();
        assertThatThrownBy(() -> new CompileRequest(file, p, p, p, "Ascend310P3", Optional.empty(), new Cancellation(), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("compile workers must not be negative: -1");
    }

    @Test
    void cancellation_aFailingCallbackDoesNotStopTheOthers() {
        Cancellation c = new Cancellation();
        int[] calls = new int[1];
        c.onCancel(() -> {
            throw new IllegalStateException("boom");
        });
        c.onCancel(() -> calls[0]++);

        c.cancel();

        assertThat(calls[0]).isEqualTo(1);
        assertThat(c.isCancelled()).isTrue();
    }

    @Test
    void cancellation_aNewSignalIsNotRaised() {
        assertThat(new Cancellation().isCancelled()).isFalse();
    }

    @Test
    void secondsAreWrittenAsPeopleReadThemNotAsIsoDurations() {
        assertThat(CompileFailure.seconds(Duration.ofSeconds(2))).isEqualTo("2 s");
        assertThat(CompileFailure.seconds(Duration.ofMillis(20))).isEqualTo("0.02 s");
        assertThat(CompileFailure.seconds(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(CompileFailure.seconds(Duration.ofSeconds(90))).isEqualTo("1 min 30 s");
        assertThat(CompileFailure.seconds(Duration.ofMinutes(30))).isEqualTo("30 min");
        assertThat(CompileFailure.seconds(Duration.ZERO)).isEqualTo("0 s");
    }
}
