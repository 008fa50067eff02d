package io.ivfsp.config;

import java.util.Objects;

/**
 * One rule of the IVFSP configuration that a value breaks.
 *
 * @param parameter the parameter whose value is rejected
 * @param value     the rejected value
 * @param rule      what is allowed, in words a person can act on (e.g. "must be one of [64, 128]")
 */
public record ConfigViolation(IvfspParameter parameter, long value, String rule) {

    public ConfigViolation {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(rule, "rule");
    }

    /** The CLI flag of the parameter, e.g. {@code -nonzero_num}. */
    public String flag() {
        return parameter.flag();
    }

    /** The Java property of the parameter, e.g. {@code nonzeroNum}. */
    public String property() {
        return parameter.property();
    }

    /** {@code -nonzero_num (nonzeroNum) = 40: must be a multiple of 16}. */
    public String message() {
        return flag() + " (" + property() + ") = " + value + ": " + rule;
    }

    @Override
    public String toString() {
        return message();
    }
}
