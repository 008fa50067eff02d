package io.ivfsp.ops;

import io.ivfsp.config.ModelSet;
import io.ivfsp.json.JsonWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One single-op JSON file: the unit ATC compiles in one run. It belongs to a model set, which says
 * where its models go.
 *
 * @param name the file name without {@code .json}, e.g. {@code fp_to_fp16_op_1024_pid0}
 * @param set  the model set it belongs to
 * @param ops  its operators, in file order (ATC numbers the models by this order)
 */
public record OpFile(String name, ModelSet set, List<OpDesc> ops) {

    /**
     * @throws IllegalArgumentException if the name is not a plain file name or there are no ops
     */
    public OpFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(set, "set");
        if (!NameChars.isPlainName(name)) {
            throw new IllegalArgumentException("op file name must match [A-Za-z0-9][A-Za-z0-9._-]*: '" + name + "'");
        }
        ops = List.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("op file " + name + " has no ops");
        }
    }

    /** {@code <name>.json}. */
    public String fileName() {
        return name + ".json";
    }

    /** The directory of its models relative to the output root ({@code op_models} or {@code op_models_pyacl}). */
    public String outputDirectory() {
        return set.outputDirectory();
    }

    /** The op types in file order. */
    public List<String> opTypes() {
        return ops.stream().map(OpDesc::opType).toList();
    }

    /** The JSON text, byte-identical to the reference's {@code json.dumps}. */
    public String json() {
        List<Object> list = new ArrayList<>(ops.size());
        for (OpDesc op : ops) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("op", op.opType());
            // Plain loops, no lambdas or streams: cache keys hash this on the warm path of a fresh JVM.
            o.put("input_desc", tensors(op.inputs()));
            o.put("output_desc", tensors(op.outputs()));
            list.add(o);
        }
        return JsonWriter.write(list);
    }

    /** The JSON bytes (ASCII). */
    public byte[] jsonBytes() {
        return json().getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code .om} file names ATC produces for this file, one per op, in op order. */
    public List<String> omFileNames() {
        List<String> names = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            names.add(AtcNaming.omFileName(i, ops.get(i)));
        }
        return List.copyOf(names);
    }

    private static List<Object> tensors(List<TensorDesc> descs) {
        List<Object> list = new ArrayList<>(descs.size());
        for (TensorDesc t : descs) {
            list.add(tensor(t));
        }
        return list;
    }

    private static Map<String, Object> tensor(TensorDesc t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", t.format().jsonName());
        m.put("shape", t.shape());
        if (!t.shapeRange().isEmpty()) {
            List<Object> ranges = new ArrayList<>(t.shapeRange().size());
            for (var r : t.shapeRange()) {
                ranges.add(List.of(r.min(), r.max()));
            }
            m.put("shape_range", ranges);
        }
        m.put("type", t.type().jsonName());
        return m;
    }

    // Written out: a record's generated equals and hashCode link through an invokedynamic bootstrap, which
    // costs milliseconds on first use in a fresh JVM, and a warm generate() uses these as map keys.
    @Override
    public boolean equals(Object other) {
        return other == this || (other instanceof OpFile o && name.equals(o.name) && set.equals(o.set) && ops.equals(o.ops));
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, set, ops);
    }
}
