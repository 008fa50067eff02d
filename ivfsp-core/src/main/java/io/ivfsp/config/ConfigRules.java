package io.ivfsp.config;

import static io.ivfsp.config.IvfspParameter.CODE_NUM;
import static io.ivfsp.config.IvfspParameter.CORES;
import static io.ivfsp.config.IvfspParameter.DIM;
import static io.ivfsp.config.IvfspParameter.HANDLE_BATCH;
import static io.ivfsp.config.IvfspParameter.NLIST;
import static io.ivfsp.config.IvfspParameter.NONZERO_NUM;
import static io.ivfsp.config.IvfspParameter.PROCESS_ID;
import static io.ivfsp.config.IvfspParameter.TRAIN_BATCH_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The validation rules: those the reference scripts enforce, plus the gaps they let through that
 * yield models the IVFSP runtime cannot use (see the spec, section 3).
 */
final class ConfigRules {

    static final List<Integer> DIMS = List.of(64, 128, 256, 512, 768);
    static final List<Integer> NLISTS = List.of(256, 512, 1024, 2048, 4096, 8192, 16384);
    static final int MAX_NLIST_LARGE_DIM = 2048;
    /** The lists allowed when the dimension is 512 or 768. */
    static final List<Integer> NLISTS_LARGE_DIM = NLISTS.subList(0, NLISTS.indexOf(MAX_NLIST_LARGE_DIM) + 1);
    static final int MAX_NONZERO_NUM = 128;
    static final int MIN_HANDLE_BATCH = 16;
    static final int MAX_HANDLE_BATCH = 240;
    static final int MAX_TRAINING_BATCH = 32768;
    static final int CODE_NUM_MULTIPLE = 128;
    static final int REQUIRED_CORES = 8;

    private ConfigRules() {
    }

    static List<ConfigViolation> check(IvfspConfig c, Set<ModelSet> sets) {
        List<ConfigViolation> out = new ArrayList<>();
        shared(c, out);
        if (sets.contains(ModelSet.SERVICE)) {
            service(c, out);
        }
        if (sets.contains(ModelSet.TRAINING)) {
            training(c, out);
        }
        // AICPU models have dynamic shapes: nothing beyond the shared rules applies to them.
        if (out.size() > 1) {   // (a valid configuration, the warm path's, links no comparator)
            out.sort((a, b) -> Integer.compare(a.parameter().ordinal(), b.parameter().ordinal()));
        }
        return List.copyOf(out);
    }

    private static void shared(IvfspConfig c, List<ConfigViolation> out) {
        if (!DIMS.contains(c.dim())) {
            out.add(new ConfigViolation(DIM, c.dim(), "must be one of " + DIMS));
        }

        int z = c.nonzeroNum();
        int maxZ = DIMS.contains(c.dim()) ? Math.min(c.dim(), MAX_NONZERO_NUM) : MAX_NONZERO_NUM;
        if (!isPositiveMultiple(z, 16)) {
            out.add(new ConfigViolation(NONZERO_NUM, z, "must be a positive multiple of 16, at most " + maxZ));
        } else if (z > maxZ) {
            out.add(new ConfigViolation(NONZERO_NUM, z, "must be at most " + maxZ
                    + " (the smaller of -d and " + MAX_NONZERO_NUM + "), a positive multiple of 16"));
        }

        boolean largeDim = c.dim() == 512 || c.dim() == 768;
        if (!NLISTS.contains(c.nlist())) {
            out.add(new ConfigViolation(NLIST, c.nlist(), "must be one of " + (largeDim ? NLISTS_LARGE_DIM : NLISTS)));
        } else if (largeDim && c.nlist() > MAX_NLIST_LARGE_DIM) {
            out.add(new ConfigViolation(NLIST, c.nlist(), "must be one of " + NLISTS_LARGE_DIM + " when -d is " + c.dim()));
        }

        if (!isPositiveMultiple(c.codeNum(), CODE_NUM_MULTIPLE)) {
            out.add(new ConfigViolation(CODE_NUM, c.codeNum(), "must be a positive multiple of " + CODE_NUM_MULTIPLE
                    + " (the IvfCidFilter3 kernel works on blocks of 128 codes)"));
        }

        if (c.cores() != REQUIRED_CORES) {
            out.add(new ConfigViolation(CORES, c.cores(), "must be " + REQUIRED_CORES
                    + ": IVFSP runs only on Ascend 310P (8 AI cores, soc Ascend310P3); its kernels and runtime"
                    + " assume 8 cores, so the reference's 2-core Ascend310 branch yields unusable models"));
        }

        if (c.processId() < 0) {
            out.add(new ConfigViolation(PROCESS_ID, c.processId(), "must not be negative"));
        }
    }

    private static boolean isPositiveMultiple(int value, int factor) {
        return value > 0 && value % factor == 0;
    }

    private static void service(IvfspConfig c, List<ConfigViolation> out) {
        int hb = c.handleBatch();
        if (hb < MIN_HANDLE_BATCH || hb > MAX_HANDLE_BATCH || !isPositiveMultiple(hb, 16)) {
            out.add(new ConfigViolation(HANDLE_BATCH, hb, "must be a multiple of 16 from "
                    + MIN_HANDLE_BATCH + " to " + MAX_HANDLE_BATCH + " (service models)"));
        }
    }

    private static void training(IvfspConfig c, List<ConfigViolation> out) {
        int b = c.trainBatchSize();
        if (!isPositiveMultiple(b, 16) || b > MAX_TRAINING_BATCH) {
            out.add(new ConfigViolation(TRAIN_BATCH_SIZE, b, "must be a positive multiple of 16, at most "
                    + MAX_TRAINING_BATCH + " (training models)"));
        }
        // A code_num that is no multiple of 128 is already reported by the shared rules.
        if (c.codeNum() > MAX_TRAINING_BATCH && isPositiveMultiple(c.codeNum(), CODE_NUM_MULTIPLE)) {
            out.add(new ConfigViolation(CODE_NUM, c.codeNum(), "must be at most " + MAX_TRAINING_BATCH
                    + " for the training models (codebook batch size), a positive multiple of " + CODE_NUM_MULTIPLE));
        }
    }
}
