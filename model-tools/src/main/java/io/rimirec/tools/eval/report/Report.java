package io.rimirec.tools.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rimirec.tools.eval.EvalResult;
import io.rimirec.tools.eval.Experiment.MethodResult;
import io.rimirec.tools.eval.Experiment.Trial;
import io.rimirec.tools.eval.MetricSpec;
import io.rimirec.tools.util.Metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one eval run with their stamp (data, protocol, seeds, settings, command line), written as a
 * text table, CSV, JSON and a PNG bar chart. Metrics are shown as percentages, as in the papers.
 *
 * @param stamp    name/value pairs that say how the numbers were produced
 * @param metrics  the protocol's metrics, in column order
 * @param chart    the metrics drawn in the chart (Recall@M)
 */
public record Report(Map<String, Object> stamp, List<MetricSpec> metrics, List<MetricSpec> chart, List<MethodResult> results) {

    /** The plain-text table printed by the eval command. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>();
        header.add("method");
        metrics.forEach(m -> header.add(m.name()));
        header.add("time");
        List<List<String>> rows = new ArrayList<>();
        for (MethodResult r : results) {
            List<String> row = new ArrayList<>();
            row.add(r.method());
            for (MetricSpec m : metrics) {
                row.add(r.test() == null ? "-" : pct(r.test().mean(m)));
            }
            row.add(String.format(Locale.ROOT, "%.0fs", r.totalSeconds()));
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        appendRow(sb, header, width);
        for (List<String> row : rows) {
            appendRow(sb, row, width);
        }
        for (MethodResult r : results) {
            if (r.error() != null) {
                sb.append(r.method()).append(": FAILED: ").append(r.error()).append('\n');
            } else {
                sb.append(r.method()).append(": ").append(r.chosen().values().isEmpty() ? "(no settings)" : r.chosen())
                    .append(r.trials().isEmpty() ? "" : "  [chosen from " + r.trials().size() + " on validation]").append('\n');
            }
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            if (c == 0) {
                sb.append(cell).append(" ".repeat(width[c] - cell.length()));
            } else {
                sb.append("  ").append(" ".repeat(width[c] - cell.length())).append(cell);
            }
        }
        sb.append('\n');
    }

    static String pct(double x) {
        return String.format(Locale.ROOT, "%.3f", 100 * x);
    }

    /** Everything, for machines: stamp, then per method settings, grid, metrics with standard errors, timings. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("stamp", stamp);
        root.put("metrics_unit", "percent");
        List<Object> methods = new ArrayList<>();
        for (MethodResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("description", r.description());
            m.put("status", r.error() == null ? "ok" : "failed");
            if (r.error() != null) {
                m.put("error", r.error());
            }
            m.put("settings", r.chosen() == null ? null : r.chosen().values());
            EvalResult t = r.test();
            if (t != null) {
                Map<String, Object> vals = new LinkedHashMap<>();
                Map<String, Object> errs = new LinkedHashMap<>();
                for (MetricSpec spec : metrics) {
                    vals.put(spec.name(), round(100 * t.mean(spec)));
                    errs.put(spec.name(), round(100 * t.stdError(spec)));
                }
                m.put("metrics", vals);
                m.put("std_errors", errs);
                m.put("users", t.users());
            }
            List<Object> grid = new ArrayList<>();
            for (Trial tr : r.trials()) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("settings", tr.settings().values());
                g.put("validation_score", Double.isNaN(tr.score()) ? null : round(100 * tr.score()));
                g.put("learned", tr.learned());
                g.put("seconds", round(tr.seconds()));
                if (tr.error() != null) {
                    g.put("error", tr.error());
                }
                grid.add(g);
            }
            m.put("grid", grid);
            Map<String, Object> time = new LinkedHashMap<>();
            time.put("tune", round(r.tuneSeconds()));
            time.put("fit", round(r.fitSeconds()));
            time.put("evaluate", t == null ? null : round(t.seconds()));
            time.put("total", round(r.totalSeconds()));
            m.put("seconds", time);
            m.put("diagnostics", r.diagnostics());
            methods.add(m);
        }
        root.put("results", methods);
        return root;
    }

    public String csv() {
        StringBuilder sb = new StringBuilder();
        stamp.forEach((k, v) -> sb.append("# ").append(k).append(": ").append(String.valueOf(v).replace('\n', ' ')).append('\n'));
        sb.append("method,status");
        metrics.forEach(m -> sb.append(',').append(m.name()));
        metrics.forEach(m -> sb.append(',').append(m.name()).append("_stderr"));
        sb.append(",tune_s,fit_s,eval_s,total_s,settings\n");
        for (MethodResult r : results) {
            sb.append(r.method()).append(',').append(r.error() == null ? "ok" : "failed");
            for (MetricSpec m : metrics) {
                sb.append(',').append(r.test() == null ? "" : pct(r.test().mean(m)));
            }
            for (MetricSpec m : metrics) {
                sb.append(',').append(r.test() == null ? "" : pct(r.test().stdError(m)));
            }
            sb.append(String.format(Locale.ROOT, ",%.1f,%.1f,%s,%.1f,", r.tuneSeconds(), r.fitSeconds(),
                r.test() == null ? "" : String.format(Locale.ROOT, "%.1f", r.test().seconds()), r.totalSeconds()));
            sb.append('"').append(r.chosen() == null ? "" : r.chosen().toString().replace("\"", "'")).append('"').append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code base.txt}, {@code base.csv}, {@code base.json} and {@code base.png}; returns the paths. */
    public List<Path> write(Path dir, String base) {
        try {
            Files.createDirectories(dir);
            Path txt = dir.resolve(base + ".txt");
            Path csv = dir.resolve(base + ".csv");
            Path json = dir.resolve(base + ".json");
            Path png = dir.resolve(base + ".png");
            StringBuilder header = new StringBuilder();
            stamp.forEach((k, v) -> header.append(k).append(": ").append(v).append('\n'));
            Files.writeString(txt, header + "\n" + table(), StandardCharsets.UTF_8);
            Files.writeString(csv, csv(), StandardCharsets.UTF_8);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), toJson());
            BarChart.write(this, png);
            return List.of(txt, csv, json, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + dir, e);
        }
    }

    private static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
