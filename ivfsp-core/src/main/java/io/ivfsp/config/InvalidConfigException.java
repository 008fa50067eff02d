package io.ivfsp.config;

import java.util.List;

/**
 * An IVFSP configuration that would produce models the runtime cannot use. Carries every
 * violation found, not only the first.
 */
public final class InvalidConfigException extends IllegalArgumentException {

    private final List<ConfigViolation> violations;

    /**
     * @throws IllegalArgumentException if {@code violations} is empty
     */
    public InvalidConfigException(List<ConfigViolation> violations) {
        super(describe(violations));
        this.violations = List.copyOf(violations);
    }

    /** Every violation, in parameter order; never empty. */
    public List<ConfigViolation> violations() {
        return violations;
    }

    private static String describe(List<ConfigViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid configuration needs at least one violation");
        }
        StringBuilder sb = new StringBuilder("invalid IVFSP configuration (")
                .append(violations.size())
                .append(violations.size() == 1 ? " violation)" : " violations)");
        for (ConfigViolation v : violations) {
            sb.append(System.lineSeparator()).append("  ").append(v.message());
        }
        return sb.toString();
    }
}
