package io.rimirec.tools.cli;

import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;

import java.util.Locale;
import java.util.Map;

/** The header lines printed by {@code tree build} and {@code tree info}. */
final class TreeReport {

    private TreeReport() {}

    static String header(CircleTree tree) {
        StringBuilder sb = new StringBuilder();
        sb.append("format version: ").append(TreeFormat.VERSION).append('\n');
        sb.append("metric: ").append(tree.metric().id()).append('\n');
        sb.append("dimension: ").append(tree.dimension()).append('\n');
        sb.append("branching k: ").append(tree.branching()).append('\n');
        sb.append("leaf capacity c: ").append(tree.leafCapacity()).append('\n');
        sb.append("balance ratio: ").append(tree.balanceRatio() == 0f ? "0 (plain k-means)" : Float.toString(tree.balanceRatio())).append('\n');
        sb.append("seed: ").append(tree.seed()).append('\n');
        sb.append(String.format(Locale.ROOT, "items: %,d%n", tree.itemCount()));
        sb.append("content hash: ").append(tree.contentHash()).append('\n');
        for (Map.Entry<String, String> e : tree.info().entrySet()) {
            sb.append("info ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }
}
