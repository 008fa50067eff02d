package io.ivfsp.config;

/**
 * The parameters of an IVFSP deployment, each with the Java property of {@link IvfspConfig}, the flag
 * the reference scripts (and the {@code ivfsp} CLI) use for it, and its documented default.
 */
public enum IvfspParameter {
    /** Vector dimension ({@code -d}). */
    DIM("dim", "-d", 256, "vector dimension"),
    /** Reduced ("nonzero") dimension of the sparse codes ({@code -nonzero_num}). */
    NONZERO_NUM("nonzeroNum", "-nonzero_num", 32, "reduced (nonzero) dimension"),
    /** Number of IVF lists, i.e. centroids ({@code -nlist}). */
    NLIST("nlist", "-nlist", 1024, "number of IVF lists (centroids)"),
    /** Number of queries handled per search batch by the service ({@code -handle_batch}). */
    HANDLE_BATCH("handleBatch", "-handle_batch", 32, "queries per search batch (service)"),
    /**
     * Codes per search list in the service, and the codebook batch size of training
     * ({@code -code_num}): one value, so the two model sets cannot disagree.
     */
    CODE_NUM("codeNum", "-code_num", 32768, "codes per search list = codebook batch size"),
    /** Batch size of the training DistanceComputeQC model ({@code -batch_size}). */
    TRAIN_BATCH_SIZE("trainBatchSize", "-batch_size", 32768, "training batch size"),
    /** AI cores of the target chip ({@code --cores}); IVFSP needs 8 (Ascend 310P). */
    CORES("cores", "--cores", 8, "AI cores of the target chip"),
    /** Process id that makes JSON file names unique when several generators share {@code config/} ({@code -p}). */
    PROCESS_ID("processId", "-p", 0, "process id in JSON file names");

    private final String property;
    private final String flag;
    private final int defaultValue;
    private final String description;

    IvfspParameter(String property, String flag, int defaultValue, String description) {
        this.property = property;
        this.flag = flag;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The Java property name on {@link IvfspConfig} and its builder, e.g. {@code nonzeroNum}. */
    public String property() {
        return property;
    }

    /** The command-line flag of the reference scripts, e.g. {@code -nonzero_num}. */
    public String flag() {
        return flag;
    }

    /** The documented default. */
    public int defaultValue() {
        return defaultValue;
    }

    /** A few words saying what the parameter means. */
    public String description() {
        return description;
    }
}
