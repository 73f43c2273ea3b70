package io.rimirec.core.onnx;

import java.nio.charset.StandardCharsets;

/**
 * Refuses ONNX models whose tensors keep their data in external files. ONNX Runtime resolves such a path on the
 * machine that opens the model, relative to its working directory: a bundle naming {@code config/opensearch.keystore}
 * read that file into a model on the node. Every model rimirec opens is held in memory (a bundle part), so it must
 * be self-contained; the exporters write every weight inline.
 *
 * <p>A small reader of the protobuf wire format that walks exactly the messages that can hold a tensor (the ONNX
 * schema's field numbers): model → graph, functions and training graphs; graph → initializers, sparse initializers,
 * nodes; node → attributes; attribute → tensor(s), sparse tensor(s), sub-graph(s); tensor → {@code external_data} (13)
 * and {@code data_location} (14, {@code EXTERNAL} = 1). What it cannot walk (malformed bytes, protobuf groups, which
 * ONNX never uses, nesting deeper than {@value #MAX_DEPTH} messages) is refused too, so nothing can hide a tensor from it.
 */
public final class OnnxExternalData {

    private static final int MAX_DEPTH = 64;

    private enum Message { MODEL, GRAPH, NODE, ATTRIBUTE, TENSOR, SPARSE_TENSOR, FUNCTION, TRAINING_INFO }

    private OnnxExternalData() {}

    /**
     * @param name where the model comes from, for the message
     * @throws IllegalArgumentException naming the tensor when one keeps its data outside the model
     */
    public static void refuse(byte[] model, String name) {
        String tensor;
        try {
            tensor = scan(model, 0, model.length, Message.MODEL, 0);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            // Refused rather than left to ONNX Runtime: what this reader cannot walk, it cannot vouch for.
            throw new IllegalArgumentException("ONNX model [" + name + "] could not be read (corrupt or not an ONNX model?): "
                + e.getMessage());
        }
        if (tensor != null) {
            throw new IllegalArgumentException("ONNX model [" + name + "] keeps the data of tensor [" + tensor + "] in an external file; "
                + "rimirec only opens self-contained models (save it with all tensors inline, e.g. onnx.save_model(m, path, "
                + "save_as_external_data=False), or re-export it with rimirec's tools)");
        }
    }

    /** The name (or "(unnamed)") of the first tensor with external data in the message at [from, to), or null. */
    private static String scan(byte[] b, int from, int to, Message type, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("messages nested deeper than " + MAX_DEPTH + " levels");
        }
        int[] pos = {from};
        String tensorName = null;
        boolean external = false;
        while (pos[0] < to) {
            long key = varint(b, pos, to);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> {
                    long v = varint(b, pos, to);
                    if (type == Message.TENSOR && field == 14 && v == 1) {
                        external = true;
                    }
                }
                case 1 -> skip(pos, 8, to);
                case 5 -> skip(pos, 4, to);
                case 2 -> {
                    long len = varint(b, pos, to);
                    if (len < 0 || len > to - pos[0]) {
                        throw new IllegalStateException("a field's length runs past the end of its message");
                    }
                    int start = pos[0];
                    int end = start + (int) len;
                    pos[0] = end;
                    if (type == Message.TENSOR && field == 8) {
                        tensorName = new String(b, start, end - start, StandardCharsets.UTF_8);
                    } else if (type == Message.TENSOR && field == 13) {
                        external = true;
                    } else {
                        Message child = child(type, field);
                        if (child != null) {
                            String found = scan(b, start, end, child, depth + 1);
                            if (found != null) {
                                return found;
                            }
                        }
                    }
                }
                default -> throw new IllegalStateException("protobuf wire type " + wire + " at byte " + pos[0]); // groups: not in ONNX
            }
        }
        if (external) {
            return tensorName == null || tensorName.isEmpty() ? "(unnamed)" : tensorName;
        }
        return null;
    }

    /** Which embedded message field {@code field} of a {@code parent} holds, among those that can reach a tensor. */
    private static Message child(Message parent, int field) {
        return switch (parent) {
            case MODEL -> field == 7 ? Message.GRAPH : field == 25 ? Message.FUNCTION : field == 20 ? Message.TRAINING_INFO : null;
            case TRAINING_INFO -> field == 1 || field == 2 ? Message.GRAPH : null;
            case GRAPH -> field == 1 ? Message.NODE : field == 5 ? Message.TENSOR : field == 15 ? Message.SPARSE_TENSOR : null;
            case FUNCTION -> field == 7 ? Message.NODE : null;
            case NODE -> field == 5 ? Message.ATTRIBUTE : null;
            case ATTRIBUTE -> switch (field) {
                case 5, 10 -> Message.TENSOR;
                case 6, 11 -> Message.GRAPH;
                case 22, 23 -> Message.SPARSE_TENSOR;
                default -> null;
            };
            case SPARSE_TENSOR -> field == 1 || field == 2 ? Message.TENSOR : null;
            case TENSOR -> null;
        };
    }

    private static long varint(byte[] b, int[] pos, int to) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= to) {
                throw new IllegalStateException("truncated varint");
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("varint too long");
    }

    private static void skip(int[] pos, int n, int to) {
        if (to - pos[0] < n) {
            throw new IllegalStateException("truncated");
        }
        pos[0] += n;
    }
}
