package io.ivfsp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README, "Testing your service without Ascend": the mock backend as a service's test uses it. */
class MockBackendExampleTest {

    @TempDir
    Path tmp;

    @Test
    void mockFailsAndDelaysWhatItIsToldTo() {
        // README begin
        MockOpCompiler mock = MockOpCompiler.builder()
                .fail("FpToFp16", "E10025")                          // an op type or a JSON file name
                .delay("IvfCidFilter3", Duration.ofMillis(200))      // honours jobTimeout and cancellation
                .build();
        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(tmp).build()
                .generate(IvfspConfig.defaults(), ModelSet.SERVICE);
        assertThat(r.failures()).hasSize(17);                        // the 17 FpToFp16 files
        assertThat(mock.compiled()).hasSize(10);                     // what it compiled
        assertThat(mock.maxConcurrentJobs()).isLessThanOrEqualTo(16);
        // README end
    }
}
