package io.ivfsp.ops;

import static io.ivfsp.ops.DataType.FLOAT;
import static io.ivfsp.ops.DataType.FLOAT16;
import static io.ivfsp.ops.DataType.FLOAT32;
import static io.ivfsp.ops.DataType.INT32;
import static io.ivfsp.ops.DataType.INT64;
import static io.ivfsp.ops.DataType.INT8;
import static io.ivfsp.ops.DataType.UINT16;
import static io.ivfsp.ops.DataType.UINT32;
import static io.ivfsp.ops.DataType.UINT64;
import static io.ivfsp.ops.DataType.UINT8;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The IVFSP operators: turns a configuration into the single-op JSON files the reference scripts
 * write, with the same names, order, shapes and data types.
 *
 * <pre>{@code
 * ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
 * plan.files().forEach(f -> System.out.println(f.fileName() + " -> " + f.omFileNames()));
 * }</pre>
 */
public final class OpCatalog {

    /** Batch sizes of the service DistanceComputeQC models, in reference order. */
    public static final List<Integer> SERVICE_QC_BATCHES = List.of(1024, 32, 16, 8, 4, 2, 1);

    /** Batch sizes of the FpToFp16 models, in reference order. */
    public static final List<Integer> FP16_BATCHES =
            List.of(1024, 256, 128, 64, 48, 36, 32, 30, 24, 18, 16, 12, 8, 6, 4, 2, 1);

    /**
     * Suffix given to a training JSON file whose reference name is already taken by a service file of
     * the same plan (the training DistanceComputeQC when {@code -batch_size} is one of
     * {@link #SERVICE_QC_BATCHES}): the two are different models and must not share a file.
     */
    public static final String TRAINING_RENAME_SUFFIX = "_pyacl";

    private OpCatalog() {
    }

    /**
     * The plan for the given sets: the configuration is checked against their rules first.
     *
     * @throws io.ivfsp.config.InvalidConfigException listing every violated rule
     * @throws IllegalArgumentException if no set is given
     */
    public static ModelPlan plan(IvfspConfig config, Set<ModelSet> sets) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("at least one model set is needed");
        }
        config.requireValidFor(sets);
        List<OpFile> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ModelSet set : EnumSet.copyOf(sets)) {
            for (OpFile f : files(config, set)) {
                if (!names.add(f.name())) {
                    f = new OpFile(f.name() + TRAINING_RENAME_SUFFIX, f.set(), f.ops());
                    names.add(f.name());
                }
                files.add(f);
            }
        }
        return new ModelPlan(config, EnumSet.copyOf(sets), files);
    }

    /** Same as {@link #plan(IvfspConfig, Set)}. */
    public static ModelPlan plan(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return plan(config, EnumSet.of(first, rest));
    }

    /** The files of one set, in reference order, without validating the configuration for it. */
    static List<OpFile> files(IvfspConfig config, ModelSet set) {
        return switch (set) {
            case SERVICE -> service(config);
            case AICPU -> aicpu(config);
            case TRAINING -> training(config);
        };
    }

    private static List<OpFile> service(IvfspConfig cfg) {
        long d = cfg.dim();
        long z = cfg.nonzeroNum();
        long hb = cfg.handleBatch();
        long c = cfg.codeNum();
        String pid = pidSuffix(cfg);
        TensorDesc codebook = codebook(cfg);
        TensorDesc coreFlags = coreFlags(cfg);
        TensorDesc flags8 = TensorDesc.of(UINT16, 8, 16);
        List<TensorDesc> minsOutputs = List.of(
                TensorDesc.of(FLOAT16, hb, c),
                TensorDesc.of(FLOAT16, hb, (c + 63) / 64 * 2),
                flags8);

        List<OpFile> files = new ArrayList<>();
        files.add(new OpFile("ivf_cid_filter3_op" + hb + pid, ModelSet.SERVICE, List.of(new OpDesc("IvfCidFilter3",
                List.of(TensorDesc.of(UINT8, c), TensorDesc.of(INT32, c), TensorDesc.of(INT32, c),
                        TensorDesc.of(UINT64, 3, hb), TensorDesc.of(UINT32, hb), TensorDesc.of(INT32, 4, 64),
                        TensorDesc.of(INT32, 8), TensorDesc.of(UINT16, 4, 128), TensorDesc.of(FLOAT16, 4, 128)),
                List.of(TensorDesc.of(UINT16, hb, c / 16), coreFlags)))));
        files.add(new OpFile("distance_masked_ivf_sp_int_l2_mins_op1" + pid, ModelSet.SERVICE,
                List.of(new OpDesc("DistanceMaskedIVFSpIntL2Mins",
                        List.of(TensorDesc.of(FLOAT16, 1, d), codebook, TensorDesc.of(UINT8, c * z),
                                TensorDesc.of(UINT8, hb, c / 8), TensorDesc.of(FLOAT32, c),
                                TensorDesc.of(FLOAT16, 2, z), TensorDesc.of(UINT32, hb), TensorDesc.of(UINT64, hb),
                                TensorDesc.of(UINT64, hb), TensorDesc.of(UINT64, hb)),
                        minsOutputs))));
        files.add(new OpFile("distance_ivf_sp_int_l2_mins_op1" + pid, ModelSet.SERVICE,
                List.of(new OpDesc("DistanceIVFSpIntL2Mins",
                        List.of(TensorDesc.of(FLOAT16, 1, d), codebook, TensorDesc.of(UINT8, c * z),
                                TensorDesc.of(FLOAT32, c), TensorDesc.of(FLOAT16, z), TensorDesc.of(FLOAT16, z),
                                TensorDesc.of(UINT32, hb), TensorDesc.of(UINT64, hb), TensorDesc.of(UINT64, hb),
                                TensorDesc.of(UINT64, hb)),
                        minsOutputs))));
        for (int b : SERVICE_QC_BATCHES) {
            files.add(new OpFile("distance_compute_qc_op" + b + pid, ModelSet.SERVICE,
                    List.of(distanceComputeQc(cfg, b, FLOAT32))));
        }
        for (int b : FP16_BATCHES) {
            files.add(new OpFile("fp_to_fp16_op_" + b + pid, ModelSet.SERVICE, List.of(new OpDesc("FpToFp16",
                    List.of(TensorDesc.of(FLOAT32, b, d)),
                    List.of(TensorDesc.of(FLOAT16, b, d), coreFlags)))));
        }
        return files;
    }

    /** The DistanceComputeQC op of batch {@code b}, which service and training share but for the norm type. */
    private static OpDesc distanceComputeQc(IvfspConfig cfg, long b, DataType normType) {
        long k = cfg.nlist();
        return new OpDesc("DistanceComputeQC",
                List.of(TensorDesc.of(FLOAT16, b, cfg.dim()), codebook(cfg), TensorDesc.of(normType, k)),
                List.of(TensorDesc.of(FLOAT16, b, k), coreFlags(cfg)));
    }

    /** The fractal-layout codebook: {@code nonzero_num * nlist / 16} blocks of 16x16 per 16 dims. */
    private static TensorDesc codebook(IvfspConfig cfg) {
        return TensorDesc.of(FLOAT16, (long) cfg.nonzeroNum() * cfg.nlist() / 16, cfg.dim() / 16, 16, 16);
    }

    /** The per-core synchronisation flags every AI Core op writes. */
    private static TensorDesc coreFlags(IvfspConfig cfg) {
        return TensorDesc.of(UINT16, cfg.cores(), 16);
    }

    private static String pidSuffix(IvfspConfig cfg) {
        return "_pid" + cfg.processId();
    }

    private static List<OpFile> aicpu(IvfspConfig cfg) {
        List<OpDesc> ops = new ArrayList<>();
        ops.add(dyn("TopkIvfSp", new Object[] {4, FLOAT16, 4, FLOAT16, 3, INT64, 3, UINT32, 4, UINT16, 1, INT64},
                new Object[] {2, FLOAT16, 2, INT64}));
        ops.add(dyn("VecL2SqrSp", new Object[] {2, FLOAT16}, new Object[] {1, FLOAT16}));
        ops.add(dyn("VecL2SqrSp", new Object[] {2, FLOAT16}, new Object[] {2, FLOAT}));
        ops.add(dyn("VecL2SqrSp", new Object[] {2, INT8}, new Object[] {2, INT32}));
        for (DataType t : List.of(FLOAT16, INT8, UINT8)) {
            ops.add(dyn("TransdataShapedSp", new Object[] {2, t, 1, INT64}, new Object[] {4, t}));
        }
        for (DataType t : List.of(FLOAT16, INT8, UINT8)) {
            ops.add(dyn("TransdataRawSp", new Object[] {4, t, 1, INT64}, new Object[] {2, t}));
        }
        ops.add(dyn("TopkSPSQ", new Object[] {3, FLOAT16, 3, FLOAT16, 3, UINT32, 3, UINT16, 1, INT64, 1, INT64},
                new Object[] {2, FLOAT16, 2, INT64}));
        ops.add(dyn("TopkIvfSpL1", new Object[] {2, FLOAT16, 2, UINT32, 2, UINT16, 1, INT64},
                new Object[] {2, FLOAT16, 2, INT64}));
        for (String type : List.of("TopkMultisearchIvf", "TopkMultisearchIvfV2")) {
            ops.add(dyn(type, new Object[] {4, FLOAT16, 4, FLOAT16, 4, INT64, 4, UINT32, 5, UINT16, 1, INT64},
                    new Object[] {3, FLOAT16, 3, INT64}));
        }
        return List.of(new OpFile("aicpu_topk_ops" + cfg.processId(), ModelSet.AICPU, ops));
    }

    /** An op whose tensors are all dynamic, given as (rank, type) pairs. */
    private static OpDesc dyn(String type, Object[] inputs, Object[] outputs) {
        return new OpDesc(type, dynamicTensors(inputs), dynamicTensors(outputs));
    }

    private static List<TensorDesc> dynamicTensors(Object[] rankTypePairs) {
        List<TensorDesc> tensors = new ArrayList<>();
        for (int i = 0; i < rankTypePairs.length; i += 2) {
            tensors.add(TensorDesc.dynamic((DataType) rankTypePairs[i + 1], (Integer) rankTypePairs[i]));
        }
        return tensors;
    }

    private static List<OpFile> training(IvfspConfig cfg) {
        long d = cfg.dim();
        long z = cfg.nonzeroNum();
        long cb = cfg.codeNum();
        long cores = cfg.cores();
        String pid = pidSuffix(cfg);
        TensorDesc coreFlags = coreFlags(cfg);
        TensorDesc syncFlags = TensorDesc.of(UINT32, cores, 8);
        return List.of(
                new OpFile("matmul_compute_ata_op" + cb + pid, ModelSet.TRAINING, List.of(new OpDesc("CorrCompute",
                        List.of(TensorDesc.of(FLOAT16, 1, cb / 16, d, 16), TensorDesc.of(UINT64, cores)),
                        List.of(TensorDesc.of(FLOAT16, d, d), coreFlags)))),
                new OpFile("matmul_compute_qc_op" + cb + pid, ModelSet.TRAINING, List.of(new OpDesc("MatmulCompute",
                        List.of(TensorDesc.of(FLOAT16, z, d), TensorDesc.of(FLOAT16, cb / 16, d / 16, 16, 16),
                                syncFlags),
                        List.of(TensorDesc.of(FLOAT16, z, cb), coreFlags)))),
                new OpFile("matmul_compute_cb_op" + cb + pid, ModelSet.TRAINING, List.of(new OpDesc("MatmulCompute",
                        List.of(TensorDesc.of(FLOAT16, d, z), TensorDesc.of(FLOAT16, cb / 16, z / 16, 16, 16),
                                syncFlags),
                        List.of(TensorDesc.of(FLOAT16, d, cb), coreFlags)))),
                new OpFile("distance_compute_qc_op" + cfg.trainBatchSize() + pid, ModelSet.TRAINING,
                        List.of(distanceComputeQc(cfg, cfg.trainBatchSize(), FLOAT16))));
    }
}
