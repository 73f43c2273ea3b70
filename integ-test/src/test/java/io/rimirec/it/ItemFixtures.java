package io.rimirec.it;

import io.rimirec.core.cluster.HierarchicalKMeans;
import io.rimirec.core.cluster.TreeOptions;
import io.rimirec.core.tree.CirclePath;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small synthetic catalogue of 64-d items (the dimension of index-templates/) with its circle tree and model bundle,
 * shared by the ingest and model-store tests.
 */
final class ItemFixtures {

    final SyntheticCatalogue catalogue;
    final CircleTree tree;
    final byte[] bundle;

    ItemFixtures(int items, int leafCapacity, long seed) throws IOException {
        catalogue = SyntheticCatalogue.generate(SyntheticOptions.defaults(items, 64).withSeed(seed));
        tree = new HierarchicalKMeans(TreeOptions.defaults(Metric.COSINE).withBranching(4).withLeafCapacity(leafCapacity)
            .withSeed(seed).withThreads(1)).build(catalogue.vectors());
        bundle = BundlePacker.ofTree(tree).name("it-" + seed).pack();
    }

    /** The {@code PUT /_plugins/rimirec/models/{id}} body. */
    Map<String, Object> uploadBody() {
        return Map.of("bundle", Base64.getEncoder().encodeToString(bundle));
    }

    static List<Double> asList(float[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add((double) x);
        }
        return out;
    }

    /** The item document as a user indexes it: id and vector, no circles. */
    Map<String, Object> document(int i) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("item_id", SyntheticCatalogue.id(i));
        doc.put("item_vector", asList(catalogue.vector(i)));
        return doc;
    }

    CirclePath leaf(int i) {
        return tree.assign(catalogue.vector(i));
    }
}
