package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.Verification;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

/** The one settings object: what the builder makes of its options, and the rules it keeps. */
class GenerationSettingsTest {

    private final OpCompiler mock = MockOpCompiler.create();

    @Test
    void settings_defaultsAreTheBuildersOnly() {
        GenerationSettings s = ModelGenerator.builder().compiler(mock).settings();

        assertThat(s.compiler()).isSameAs(mock);
        assertThat(s.outputRoot()).isEqualTo(Path.of("").toAbsolutePath());
        assertThat(s.parallelism()).isEqualTo(ModelGenerator.DEFAULT_PARALLELISM);
        assertThat(s.executor()).isEmpty();
        assertThat(s.jobTimeout()).isEmpty();
        assertThat(s.listener()).isSameAs(GenerationListener.NONE);
        assertThat(s.failFast()).isFalse();
        assertThat(s.incremental()).isTrue();
        assertThat(s.verification()).isEqualTo(Verification.STAT);
        assertThat(s.requestedCompileWorkers()).isEmpty();
        assertThat(s.scheduling()).isEqualTo(Scheduling.LONGEST_FIRST);
        assertThat(s.batching()).isEqualTo(BatchingMode.AUTO);
        assertThat(s.trace()).isEmpty();
        assertThat(s.remote()).isEmpty();
    }

    @Test
    void settings_holdEveryOptionSet() {
        Executor direct = Runnable::run;
        GenerationListener listener = new GenerationListener() {
        };
        RemoteSettings remote = RemoteSettings.builder("file:///shared/ivfsp").build();

        GenerationSettings s = ModelGenerator.builder().compiler(mock).outputRoot(Path.of("out")).parallelism(3)
                .executor(direct).jobTimeout(Duration.ofSeconds(7)).listener(listener).failFast(true)
                .incremental(false).verification(Verification.HASH).compileWorkers(5)
                .scheduling(Scheduling.PLAN_ORDER).batching(BatchingMode.ALWAYS).trace(Path.of("t.json"))
                .remote(remote).settings();

        assertThat(s.outputRoot()).isEqualTo(Path.of("out").toAbsolutePath());
        assertThat(s.parallelism()).isEqualTo(3);
        assertThat(s.executor()).containsSame(direct);
        assertThat(s.jobTimeout()).contains(Duration.ofSeconds(7));
        assertThat(s.listener()).isSameAs(listener);
        assertThat(s.failFast()).isTrue();
        assertThat(s.incremental()).isFalse();
        assertThat(s.verification()).isEqualTo(Verification.HASH);
        assertThat(s.requestedCompileWorkers()).hasValue(5);
        assertThat(s.compileWorkers()).isEqualTo(5);
        assertThat(s.scheduling()).isEqualTo(Scheduling.PLAN_ORDER);
        assertThat(s.batching()).isEqualTo(BatchingMode.ALWAYS);
        assertThat(s.trace()).contains(Path.of("t.json").toAbsolutePath());
        assertThat(s.remote()).containsSame(remote);
    }

    @Test
    void build_takesASnapshotTheBuilderCannotChange() {
        ModelGeneratorBuilder b = ModelGenerator.builder().compiler(mock).parallelism(4).compileWorkers(2);
        ModelGenerator first = b.build();

        b.parallelism(9).compileWorkers(7).outputRoot(Path.of("elsewhere"));

        assertThat(first.parallelism()).isEqualTo(4);
        assertThat(first.compileWorkers()).isEqualTo(2);
        assertThat(first.outputRoot()).isEqualTo(Path.of("").toAbsolutePath());
        assertThat(b.build().parallelism()).isEqualTo(9);
    }

    @Test
    void compileWorkers_defaultIsTheProcessorsSharedAmongTheJobs() {
        int processors = Runtime.getRuntime().availableProcessors();

        for (int p : new int[] {1, 2, 32}) {
            assertThat(ModelGenerator.builder().compiler(mock).parallelism(p).build().compileWorkers())
                    .isEqualTo(Math.max(1, processors / p));
        }
    }

    @Test
    void compileWorkers_outOfRange() {
        for (int w : new int[] {0, -1, ModelGenerator.MAX_COMPILE_WORKERS + 1}) {
            assertThatThrownBy(() -> ModelGenerator.builder().compileWorkers(w))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("compile workers must be within 1..32: " + w);
        }
        assertThat(ModelGenerator.builder().compiler(mock).compileWorkers(32).build().compileWorkers()).isEqualTo(32);
        assertThat(ModelGenerator.builder().compiler(mock).compileWorkers(1).build().compileWorkers()).isEqualTo(1);
    }

    @Test
    void constructor_keepsTheBuildersRules() {
        assertThatThrownBy(() -> settings(Path.of("/r"), 0, Optional.empty(), OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("parallelism must be within 1..32: 0");
        assertThatThrownBy(() -> settings(Path.of("/r"), 33, Optional.empty(), OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("parallelism must be within 1..32: 33");
        assertThatThrownBy(() -> settings(Path.of("/r"), 1, Optional.of(Duration.ZERO), OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("job timeout must be positive: PT0S");
        assertThatThrownBy(() -> settings(Path.of("/r"), 1, Optional.empty(), OptionalInt.of(33)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("compile workers must be within 1..32: 33");
        assertThatThrownBy(() -> settings(Path.of("relative"), 1, Optional.empty(), OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("output root must be absolute: relative");
        assertThat(settings(Path.of("/r"), 32, Optional.of(Duration.ofNanos(1)), OptionalInt.of(32)).parallelism())
                .isEqualTo(32);
    }

    private GenerationSettings settings(Path root, int parallelism, Optional<Duration> timeout, OptionalInt workers) {
        return new GenerationSettings(mock, root, parallelism, Optional.empty(), timeout, GenerationListener.NONE,
                false, true, Verification.STAT, workers, Scheduling.LONGEST_FIRST, BatchingMode.AUTO,
                Optional.empty(), Optional.empty());
    }
}
