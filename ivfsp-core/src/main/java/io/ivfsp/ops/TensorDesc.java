package io.ivfsp.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One input or output tensor of an operator: data type, format, shape ({@code -1} for a dynamic
 * dimension) and, for dynamic shapes, the range of each dimension.
 *
 * @param type       data type
 * @param format     format
 * @param shape      dimensions, outermost first
 * @param shapeRange one range per dimension, or empty when the tensor has no {@code shape_range}
 */
public record TensorDesc(DataType type, Format format, List<Long> shape, List<DimRange> shapeRange) {

    /**
     * @throws IllegalArgumentException if a dimension is below -1 or zero, or the range count differs from the rank
     */
    public TensorDesc {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        shape = List.copyOf(shape);
        shapeRange = List.copyOf(shapeRange);
        for (long d : shape) {
            if (d < -1 || d == 0) {
                throw new IllegalArgumentException("dimension must be positive or -1 (dynamic): " + shape);
            }
        }
        if (!shapeRange.isEmpty() && shapeRange.size() != shape.size()) {
            throw new IllegalArgumentException("shape range has " + shapeRange.size()
                    + " entries for a tensor of rank " + shape.size());
        }
    }

    /** A static ND tensor. */
    public static TensorDesc of(DataType type, long... dims) {
        List<Long> shape = new ArrayList<>(dims.length);
        for (long d : dims) {
            shape.add(d);
        }
        return new TensorDesc(type, Format.ND, shape, List.of());
    }

    /** An ND tensor of the given rank whose every dimension is dynamic, each in {@code [1, -1]}. */
    public static TensorDesc dynamic(DataType type, int rank) {
        return new TensorDesc(type, Format.ND, Collections.nCopies(rank, -1L),
                Collections.nCopies(rank, DimRange.AT_LEAST_ONE));
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.size();
    }

    /** Type and shape as people read them: {@code float16[1,256]}, {@code int64[-1,-1]}. */
    public String label() {
        StringBuilder sb = new StringBuilder(type.jsonName()).append('[');
        for (int i = 0; i < shape.size(); i++) {
            sb.append(i > 0 ? "," : "").append(shape.get(i));
        }
        return sb.append(']').toString();
    }

    /** The {@link #label()}s of several tensors, separated by spaces: {@code float16[8,16] uint16[8,16]}. */
    public static String labels(List<TensorDesc> tensors) {
        StringBuilder sb = new StringBuilder();
        for (TensorDesc t : tensors) {
            sb.append(sb.length() > 0 ? " " : "").append(t.label());
        }
        return sb.toString();
    }

    // Written out: a record's generated equals and hashCode link through an invokedynamic bootstrap, which
    // costs milliseconds on first use in a fresh JVM, and a warm generate() uses these as map keys.
    @Override
    public boolean equals(Object other) {
        return other == this || (other instanceof TensorDesc o && type.equals(o.type) && format.equals(o.format) && shape.equals(o.shape) && shapeRange.equals(o.shapeRange));
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, format, shape, shapeRange);
    }
}
