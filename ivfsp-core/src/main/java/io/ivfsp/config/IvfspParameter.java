package io.ivfsp.config;

/**
 * The parameters of an IVFSP deployment, each with the Java property of {@link IvfspConfig}, the flag
 * the reference scripts (and the {@code ivfsp} CLI) use for it, and its documented default.
 */
public enum IvfspParameter {
    /** Vector dimension ({@code -d}). */
    DIM("dim", "-d", 256, "vector dimension", "one of 64, 128, 256, 512, 768"),
    /** Reduced ("nonzero") dimension of the sparse codes ({@code -nonzero_num}). */
    NONZERO_NUM("nonzeroNum", "-nonzero_num", 32, "reduced (nonzero) dimension",
            "a positive multiple of 16, at most min(dim, 128)"),
    /** Number of IVF lists, i.e. centroids ({@code -nlist}). */
    NLIST("nlist", "-nlist", 1024, "number of IVF lists (centroids)",
            "one of 256, 512, ..., 16384 (at most 2048 when dim is 512 or 768)"),
    /** Number of queries handled per search batch by the service ({@code -handle_batch}). */
    HANDLE_BATCH("handleBatch", "-handle_batch", 32, "queries per search batch (service)",
            "a multiple of 16 from 16 to 240"),
    /**
     * Codes per search list in the service, and the codebook batch size of training
     * ({@code -code_num}): one value, so the two model sets cannot disagree.
     */
    CODE_NUM("codeNum", "-code_num", 32768, "codes per search list = codebook batch size",
            "a positive multiple of 128 (at most 32768 for training)"),
    /** Batch size of the training DistanceComputeQC model ({@code -batch_size}). */
    TRAIN_BATCH_SIZE("trainBatchSize", "-batch_size", 32768, "training batch size",
            "a positive multiple of 16, at most 32768"),
    /** AI cores of the target chip ({@code --cores}); IVFSP needs 8 (Ascend 310P). */
    CORES("cores", "--cores", 8, "AI cores of the target chip", "8 (Ascend 310P)"),
    /** Process id that makes JSON file names unique when several generators share {@code config/} ({@code -p}). */
    PROCESS_ID("processId", "-p", 0, "process id in JSON file names", "not negative");

    private final String property;
    private final String flag;
    private final int defaultValue;
    private final String description;
    private final String allowed;

    IvfspParameter(String property, String flag, int defaultValue, String description, String allowed) {
        this.property = property;
        this.flag = flag;
        this.defaultValue = defaultValue;
        this.description = description;
        this.allowed = allowed;
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

    /** The allowed values in words, for help texts; validation gives the exact rule that was broken. */
    public String allowed() {
        return allowed;
    }
}
