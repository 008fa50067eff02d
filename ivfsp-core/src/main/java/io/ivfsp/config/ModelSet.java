package io.ivfsp.config;

import java.util.Optional;

/**
 * The three model sets of IVFSP, one per reference generator script.
 */
public enum ModelSet {
    /** The AI Core models of the retrieval service ({@code ivfsp_generate_model.py}). */
    SERVICE("service", "op_models", "error"),
    /** The AICPU top-k and data-layout models ({@code ivfsp_aicpu_generate_model.py}). */
    AICPU("aicpu", "op_models", "error"),
    /** The codebook-training models ({@code ivfsp_generate_pyacl_model.py}). */
    TRAINING("training", "op_models_pyacl", null);

    private final String cliName;
    private final String outputDirectory;
    private final String atcLogLevel;

    ModelSet(String cliName, String outputDirectory, String atcLogLevel) {
        this.cliName = cliName;
        this.outputDirectory = outputDirectory;
        this.atcLogLevel = atcLogLevel;
    }

    /** The lower-case name used by the CLI, e.g. {@code service}. */
    public String cliName() {
        return cliName;
    }

    /** The directory, relative to the output root, the reference writes this set's {@code .om} files to. */
    public String outputDirectory() {
        return outputDirectory;
    }

    /** The {@code --log} level the reference passes to ATC for this set; empty when it passes none. */
    public Optional<String> atcLogLevel() {
        return Optional.ofNullable(atcLogLevel);
    }

    /**
     * The set with the given CLI name.
     *
     * @throws IllegalArgumentException if no set has that name
     */
    public static ModelSet fromCliName(String name) {
        for (ModelSet set : values()) {
            if (set.cliName.equals(name)) {
                return set;
            }
        }
        throw new IllegalArgumentException("unknown model set: '" + name + "', expected one of service, aicpu, training");
    }
}
