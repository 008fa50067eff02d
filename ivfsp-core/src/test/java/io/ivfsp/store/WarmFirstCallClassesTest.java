package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first warm {@code generate()} of a fresh JVM (a service restart, every model present and vouched
 * for by its stat) loads neither SLF4J (it logs nothing) nor the JCA providers (cache keys are hashed
 * without {@code MessageDigest}): the two cost it 40-50 ms. Which classes it loads is read from the
 * child JVM's class-loading log between two marker classes, not from a clock.
 */
class WarmFirstCallClassesTest {

    @TempDir
    Path dir;

    @Test
    void firstWarmGenerate_inAFreshJvm_startsNeitherSlf4jNorTheJcaProviders() throws Exception {
        Path root = dir.resolve("root");
        ModelGenerator generator = generator(root);
        ModelPlan plan = plan();
        generator.generate(plan).requireSuccess();
        // Once the models are older than the racy margin, a run records the stats that vouch for them.
        TimeUnit.MILLISECONDS.sleep(TimeUnit.SECONDS.toMillis(ModelStat.RACY_MARGIN_SECONDS) + 200);
        generator.generate(plan).requireSuccess();

        Path log = dir.resolve("classes.log");
        ChildJvm.Result r = ChildJvm.runWithOptions(List.of("-Xlog:class+load=info:file=" + log), Map.of(), List.of(),
                WarmChild.class, root.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("reused every model");

        List<String> during = loadedBetween(Files.readAllLines(log), WarmChild.Begin.class, WarmChild.End.class);
        assertThat(during).as("the warm run loads the store's classes").anyMatch(c -> c.startsWith("io.ivfsp.store.Manifest "));
        assertThat(during).noneMatch(c -> c.startsWith("org.slf4j."));
        assertThat(during).noneMatch(c -> c.startsWith("sun.security.jca.") || c.startsWith("java.security.MessageDigest"));
    }

    private static List<String> loadedBetween(List<String> lines, Class<?> begin, Class<?> end) {
        List<String> during = new ArrayList<>();
        boolean in = false;
        boolean ended = false;
        for (String line : lines) {
            int at = line.indexOf("[class,load] ");
            if (at < 0) {
                continue;
            }
            String c = line.substring(at + "[class,load] ".length());
            if (c.startsWith(begin.getName() + " ")) {
                in = true;
            } else if (c.startsWith(end.getName() + " ")) {
                ended = true;
                break;
            } else if (in) {
                during.add(c);
            }
        }
        assertThat(in && ended).as("both marker classes are in the log").isTrue();
        return during;
    }

    static ModelPlan plan() {
        return OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
    }

    static ModelGenerator generator(Path root) {
        return ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root)
                .verification(Verification.STAT).build();
    }

    /** The child JVM: plan and generator made first, then one generate() between the two marker classes. */
    static final class WarmChild {

        static final class Begin {
        }

        static final class End {
        }

        public static void main(String[] args) {
            ModelPlan plan = plan();
            ModelGenerator generator = generator(Path.of(args[0]));
            new Begin();
            GenerationResult r = generator.generate(plan);
            new End();
            r.requireSuccess();
            if (r.reusedModels() == r.models().size() && !r.models().isEmpty()) {
                System.out.println("reused every model");
            }
        }
    }
}
