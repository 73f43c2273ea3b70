package io.rimirec.tools.train.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A model's named parameters as plain NDArrays, initialised from a seeded Java {@link Random} (so weights do not
 * depend on torch's global generator), with gradients until {@link #freeze()}.
 */
public final class Params implements AutoCloseable {

    private final NDManager manager;
    private final Random rnd;
    private final Map<String, NDArray> map = new LinkedHashMap<>();

    public Params(long seed) {
        this.manager = Torch.engine().newBaseManager();
        this.rnd = new Random(seed);
    }

    public NDManager manager() {
        return manager;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(map);
    }

    public NDArray get(String name) {
        NDArray a = map.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter [" + name + "]; have " + map.keySet());
        }
        return a;
    }

    /** Gaussian N(0, std^2). */
    public NDArray normal(String name, double std, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
        return put(name, manager.create(v, new Shape(shape)));
    }

    /** Xavier-uniform weight {@code [in, out]} and zero bias {@code [out]}, as {@code name.w} and {@code name.b}. */
    public void dense(String name, int in, int out) {
        float bound = (float) Math.sqrt(6.0 / (in + out));
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (rnd.nextFloat() * 2 - 1) * bound;
        }
        put(name + ".w", manager.create(w, new Shape(in, out)));
        put(name + ".b", manager.zeros(new Shape(out)));
    }

    /** LayerNorm gain (ones) and bias (zeros), as {@code name.g} and {@code name.b}. */
    public void norm(String name, int d) {
        put(name + ".g", manager.ones(new Shape(d)));
        put(name + ".b", manager.zeros(new Shape(d)));
    }

    public NDArray put(String name, NDArray value) {
        if (map.containsKey(name)) {
            throw new IllegalArgumentException("parameter [" + name + "] defined twice");
        }
        value.setRequiresGradient(true);
        map.put(name, value);
        return value;
    }

    public long count() {
        return map.values().stream().mapToLong(NDArray::size).sum();
    }

    /** After training: no more gradients, so inference builds no autograd graph and may run on any thread. */
    public void freeze() {
        for (NDArray a : map.values()) {
            a.setRequiresGradient(false);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
