package io.ivfsp.ops;

import java.util.List;
import java.util.Objects;

/**
 * One operator as ATC compiles it and ACL looks it up: its type and the descriptors of its inputs
 * and outputs, in order.
 */
public record OpDesc(String opType, List<TensorDesc> inputs, List<TensorDesc> outputs) {

    /**
     * @throws IllegalArgumentException if the op type is empty
     */
    public OpDesc {
        Objects.requireNonNull(opType, "opType");
        if (opType.isEmpty()) {
            throw new IllegalArgumentException("op type must not be empty");
        }
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    // Written out: a record's generated equals and hashCode link through an invokedynamic bootstrap, which
    // costs milliseconds on first use in a fresh JVM, and a warm generate() uses these as map keys.
    @Override
    public boolean equals(Object other) {
        return other == this || (other instanceof OpDesc o && opType.equals(o.opType) && inputs.equals(o.inputs) && outputs.equals(o.outputs));
    }

    @Override
    public int hashCode() {
        return Objects.hash(opType, inputs, outputs);
    }
}
