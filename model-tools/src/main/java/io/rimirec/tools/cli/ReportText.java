package io.rimirec.tools.cli;

import io.rimirec.tools.eval.check.HeldOutCheck;
import io.rimirec.tools.train.pipeline.ServingChoice;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code report.txt} of {@code rimirec train}: the report's essentials for a person (the JSON beside it has everything). */
final class ReportText {

    private ReportText() {}

    @SuppressWarnings("unchecked")
    static String of(Map<String, Object> report, HeldOutCheck.Result check) {
        StringBuilder b = new StringBuilder();
        b.append("rimirec train report\n====================\n");
        b.append("command: ").append(report.get("command")).append('\n');
        b.append("data: ").append(report.get("data")).append('\n');
        Map<String, Object> read = (Map<String, Object>) report.get("interactions");
        b.append("lines: ").append(read.get("lines")).append(", kept ").append(read.get("interactions_kept")).append(", skipped ")
            .append(read.get("lines_skipped")).append(" (").append(read.get("columns")).append("; ").append(read.get("order")).append(")\n");
        if (read.containsKey("first_skipped_lines")) {
            for (String e : ((List<String>) read.get("first_skipped_lines")).stream().limit(5).toList()) {
                b.append("  ").append(e).append('\n');
            }
        }
        if (report.containsKey("items_file")) {
            Map<String, Object> items = (Map<String, Object>) report.get("items_file");
            b.append("items file: ").append(items.get("items")).append(" items, ").append(items.get("items_with_vector")).append(" with a vector, skipped ")
                .append(items.get("lines_skipped")).append('\n');
        }
        b.append("users: ").append(report.get("users")).append('\n');
        b.append("items: ").append(report.get("items")).append('\n');
        b.append("item vectors: ").append(report.get("item_vectors")).append('\n');
        Map<String, Object> fit = (Map<String, Object>) report.get("fit");
        b.append("tree: ").append(fit.get("tree")).append('\n');
        if (fit.containsKey("pretraining")) {
            b.append("pretraining (item vectors): ").append(curve((Map<String, Object>) fit.get("pretraining"))).append('\n');
        }
        b.append(String.format(Locale.ROOT, "interest generator: best validation loss %s vs the per-circle prior's %s (%s)%n",
            fit.get("generator_best_validation_loss"), fit.get("generator_prior_loss_per_circle"), fit.get("generator_stop")));
        if (fit.get("generator_epochs") instanceof List<?> epochs) {
            b.append("  epochs: ").append(epochLine((List<Map<String, Object>>) epochs)).append('\n');
        }
        if (fit.containsKey("user_tower")) {
            Map<String, Object> t = (Map<String, Object>) fit.get("user_tower");
            b.append("user tower: ").append(curve(t)).append('\n');
            b.append("  in-circle hit rate on validation: ").append(t.get("validation_in_circle")).append('\n');
        }
        b.append("user vectors: ").append(fit.get("user_vectors")).append(" (").append(fit.get("user_vectors_why")).append(")\n");
        b.append("codebook: ").append(report.get("codebook")).append('\n');
        b.append("minutes: ").append(report.get("minutes")).append('\n');
        if (report.get("serving") instanceof Map<?, ?> serving) {
            b.append(String.format(Locale.ROOT, "serving defaults (recorded in the bundle; a query may override them): %s, chosen by Recall@%d "
                + "on %s selection users, which the check below does not use%n", serving.get("served"), ServingChoice.CUTOFF,
                serving.get("selection_users")));
        } else if (report.get("serving") != null) {
            b.append("serving defaults: ").append(report.get("serving")).append('\n');
        }
        if (check != null) {
            b.append(String.format(Locale.ROOT, "%nheld-out check: %d users, their last interactions predicted from their history (history excluded); "
                + "percent, standard error in brackets%n", check.users()));
            b.append(String.format(Locale.ROOT, "%-30s %15s %15s %15s %15s%n", "method", "Recall@20", "HitRate@20", "Recall@50", "HitRate@50"));
            for (HeldOutCheck.Row r : check.rows()) {
                b.append(String.format(Locale.ROOT, "%-30s", r.method() + (r.method().equals(check.served()) ? " (served)" : "")));
                for (String k : List.of("Recall@20", "HitRate@20", "Recall@50", "HitRate@50")) {
                    double[] v = r.metrics().get(k);
                    b.append(String.format(Locale.ROOT, " %15s", String.format(Locale.ROOT, "%.2f (%.2f)", v[0], v[1])));
                }
                b.append('\n');
            }
            b.append("generator coverage (share of held-out items inside the B generated circles, percent):");
            check.coverage().forEach((beams, v) -> b.append(String.format(Locale.ROOT, " B=%d %.1f", beams, v)));
            b.append('\n');
            b.append(check.verdict()).append('\n');
        } else {
            b.append("\nheld-out check: none (--validation-share 0, or no user with 3 interactions)\n");
        }
        b.append("files: ").append(report.get("files")).append('\n');
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static String curve(Map<String, Object> info) {
        String epochs = info.get("epochs") instanceof List<?> l ? epochLine((List<Map<String, Object>>) l) : "";
        return String.format(Locale.ROOT, "best validation loss %s at epoch %s (chance %s; %s); epochs %s", info.get("best_validation_loss"),
            info.get("best_epoch"), info.get("chance_loss"), info.get("stop"), epochs);
    }

    private static String epochLine(List<Map<String, Object>> epochs) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> e : epochs) {
            b.append(String.format(Locale.ROOT, "%s:%s/%s ", e.get("epoch"), e.get("train_loss"), e.get("validation_loss")));
        }
        return b.toString().trim() + " (epoch:train/validation)";
    }
}
