package io.ivfsp.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The parameters of one IVFSP deployment on Ascend 310P, from which every operator model of the
 * service, AICPU and training sets is derived. Immutable and validated.
 *
 * <pre>{@code
 * IvfspConfig config = IvfspConfig.builder().dim(768).nonzeroNum(128).nlist(2048).build();
 * }</pre>
 *
 * <p>{@link Builder#build()} checks the rules every model set shares; the rules of one set (the
 * service's {@code handleBatch}, the training limits) are checked by {@link Builder#buildFor} and
 * {@link #requireValidFor}, which the operator catalog calls before it plans that set. Every
 * violation is reported at once in an {@link InvalidConfigException}.
 */
public final class IvfspConfig {

    /** The value of each parameter, indexed by {@link IvfspParameter#ordinal()}. */
    private final int[] values;

    private IvfspConfig(Builder b) {
        this.values = b.values.clone();
    }

    /** A builder holding the documented defaults (see {@link IvfspParameter#defaultValue()}). */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration with every default: valid for all three model sets. */
    public static IvfspConfig defaults() {
        return builder().build();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        System.arraycopy(values, 0, b.values, 0, values.length);
        return b;
    }

    /** Vector dimension ({@code -d}). */
    public int dim() {
        return get(IvfspParameter.DIM);
    }

    /** Reduced dimension ({@code -nonzero_num}). */
    public int nonzeroNum() {
        return get(IvfspParameter.NONZERO_NUM);
    }

    /** Number of IVF lists ({@code -nlist}). */
    public int nlist() {
        return get(IvfspParameter.NLIST);
    }

    /** Queries per search batch of the service ({@code -handle_batch}). */
    public int handleBatch() {
        return get(IvfspParameter.HANDLE_BATCH);
    }

    /** Codes per search list of the service, which is also the training codebook batch size ({@code -code_num}). */
    public int codeNum() {
        return get(IvfspParameter.CODE_NUM);
    }

    /** Batch size of the training DistanceComputeQC model ({@code -batch_size}). */
    public int trainBatchSize() {
        return get(IvfspParameter.TRAIN_BATCH_SIZE);
    }

    /** AI cores of the target chip ({@code --cores}). */
    public int cores() {
        return get(IvfspParameter.CORES);
    }

    /** Process id used in JSON file names ({@code -p}). */
    public int processId() {
        return get(IvfspParameter.PROCESS_ID);
    }

    /**
     * The {@code --soc_version} ATC compiles for, derived from the cores as the reference does:
     * {@code Ascend310} for 2 cores, else {@code Ascend310P3}. Validation admits only 8 cores, so a
     * valid configuration always yields {@code Ascend310P3}.
     */
    public String socVersion() {
        return cores() == 2 ? "Ascend310" : "Ascend310P3";
    }

    /** The value of a parameter. */
    public int get(IvfspParameter parameter) {
        return values[Objects.requireNonNull(parameter, "parameter").ordinal()];
    }

    /**
     * Every rule this configuration breaks for the given model sets, including the rules all sets
     * share; empty when it is valid for them.
     */
    public List<ConfigViolation> violationsFor(Set<ModelSet> sets) {
        return ConfigRules.check(this, sets);
    }

    /**
     * Checks the rules of the given model sets.
     *
     * @return this configuration
     * @throws InvalidConfigException listing every violation, if any
     */
    public IvfspConfig requireValidFor(Set<ModelSet> sets) {
        List<ConfigViolation> violations = violationsFor(sets);
        if (!violations.isEmpty()) {
            throw new InvalidConfigException(violations);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IvfspConfig c && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IvfspConfig{");
        for (IvfspParameter p : IvfspParameter.values()) {
            if (p.ordinal() > 0) {
                sb.append(", ");
            }
            sb.append(p.property()).append('=').append(get(p));
        }
        return sb.append(", socVersion=").append(socVersion()).append('}').toString();
    }

    /**
     * Collects parameter values; setters accept any value so that {@link #build()} can report every
     * violation together. {@code build()} does not change the builder and may be called again.
     */
    public static final class Builder {
        private final int[] values = new int[IvfspParameter.values().length];

        private Builder() {
            for (IvfspParameter p : IvfspParameter.values()) {
                values[p.ordinal()] = p.defaultValue();
            }
        }

        /** Vector dimension; one of 64, 128, 256, 512, 768. */
        public Builder dim(int dim) {
            return set(IvfspParameter.DIM, dim);
        }

        /** Reduced dimension; a positive multiple of 16, at most {@code min(dim, 128)}. */
        public Builder nonzeroNum(int nonzeroNum) {
            return set(IvfspParameter.NONZERO_NUM, nonzeroNum);
        }

        /** Number of IVF lists; a power of two from 256 to 16384 (2048 at most when dim is 512 or 768). */
        public Builder nlist(int nlist) {
            return set(IvfspParameter.NLIST, nlist);
        }

        /** Queries per search batch (service); a multiple of 16 from 16 to 240. */
        public Builder handleBatch(int handleBatch) {
            return set(IvfspParameter.HANDLE_BATCH, handleBatch);
        }

        /** Codes per search list and codebook batch size; a positive multiple of 128 (at most 32768 for training). */
        public Builder codeNum(int codeNum) {
            return set(IvfspParameter.CODE_NUM, codeNum);
        }

        /** Training batch size; a positive multiple of 16, at most 32768. */
        public Builder trainBatchSize(int trainBatchSize) {
            return set(IvfspParameter.TRAIN_BATCH_SIZE, trainBatchSize);
        }

        /** AI cores of the target chip; must be 8 (Ascend 310P). */
        public Builder cores(int cores) {
            return set(IvfspParameter.CORES, cores);
        }

        /** Process id in JSON file names; not negative. */
        public Builder processId(int processId) {
            return set(IvfspParameter.PROCESS_ID, processId);
        }

        /** Sets any parameter by its enum constant, as the CLI does. */
        public Builder set(IvfspParameter parameter, int value) {
            values[Objects.requireNonNull(parameter, "parameter").ordinal()] = value;
            return this;
        }

        /**
         * Builds a configuration that satisfies the rules all model sets share.
         *
         * @throws InvalidConfigException listing every violated rule
         */
        public IvfspConfig build() {
            return buildFor(EnumSet.noneOf(ModelSet.class));
        }

        /**
         * Builds a configuration that satisfies the shared rules and those of the given sets.
         *
         * @throws InvalidConfigException listing every violated rule
         */
        public IvfspConfig buildFor(Set<ModelSet> sets) {
            return new IvfspConfig(this).requireValidFor(sets);
        }

        /** Same as {@link #buildFor(Set)}. */
        public IvfspConfig buildFor(ModelSet first, ModelSet... rest) {
            return buildFor(EnumSet.of(first, rest));
        }

        @Override
        public String toString() {
            return "IvfspConfig.Builder" + new IvfspConfig(this).toString().substring("IvfspConfig".length());
        }
    }
}
