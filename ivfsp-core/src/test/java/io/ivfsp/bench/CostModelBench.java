package io.ivfsp.bench;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The set-up the benchmarks share: the ATC-like fixture on a cost model read from the command line
 * ({@code startup_ms per_op_ms per_melem_ms pool}, each optional), an {@link AtcCompiler} on it, and the
 * plan of every model set under the default configuration.
 *
 * @param startup  start-up cost per ATC process, ms
 * @param perOp    cost per operator, ms
 * @param perMelem cost per million tensor elements, ms
 * @param pool     worker count
 * @param dir      the run's own directory, absolute (the fixture records its runs from inside each job's
 *                 working directory)
 * @param fake     the fixture's toolkit, configured with the cost model
 * @param atc      a compiler on the fixture
 * @param all      every model set under {@link IvfspConfig#defaults()}
 */
record CostModelBench(double startup, double perOp, double perMelem, int pool, Path dir, FakeToolkit fake,
                      AtcCompiler atc, ModelPlan all) {

    /**
     * Reads the first four arguments (the given defaults where absent) and sets the fixture up in a new
     * directory under {@code target/}: on the project's disk, because this machine's /tmp is several
     * times slower for metadata.
     */
    static CostModelBench start(String[] args, double startupDefault, double perMelemDefault, String name)
            throws IOException {
        double startup = args.length > 0 ? Double.parseDouble(args[0]) : startupDefault;
        double perOp = args.length > 1 ? Double.parseDouble(args[1]) : 100;
        double perMelem = args.length > 2 ? Double.parseDouble(args[2]) : perMelemDefault;
        int pool = args.length > 3 ? Integer.parseInt(args[3]) : 16;

        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), name).toAbsolutePath();
        FakeToolkit fake = FakeToolkit.create(dir);
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("startup_ms", startup);
        cost.put("per_op_ms", perOp);
        cost.put("per_melem_ms", perMelem);
        fake.configure(Map.of("cost", cost));
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).build();
        ModelPlan all = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
        return new CostModelBench(startup, perOp, perMelem, pool, dir, fake, atc, all);
    }
}
