package io.rimirec.tools.eval.report;

import io.rimirec.tools.eval.Experiment.MethodResult;
import io.rimirec.tools.eval.MetricSpec;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A grouped bar chart of the report's chart metrics per method, drawn with Java2D (headless) into a PNG. */
final class BarChart {

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)
    };

    private BarChart() {}

    static void write(Report report, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<MethodResult> rows = report.results();
        List<MetricSpec> metrics = report.chart();
        int groupWidth = Math.max(70, 24 * metrics.size() + 30);
        int left = 70;
        int right = 30;
        int top = 80;
        int bottom = 110;
        int plotH = 360;
        int width = Math.max(720, left + right + groupWidth * Math.max(1, rows.size()));
        int height = top + plotH + bottom;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);

            double max = 0;
            for (MethodResult r : rows) {
                for (MetricSpec m : metrics) {
                    if (r.test() != null) {
                        max = Math.max(max, 100 * r.test().mean(m));
                    }
                }
            }
            double step = niceStep(max / 5);
            double yMax = Math.max(step, Math.ceil(max / step) * step);

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(String.valueOf(report.stamp().getOrDefault("title", "results")), left, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(String.valueOf(report.stamp().getOrDefault("subtitle", "")), left, 44);

            // Axis and grid lines.
            int x0 = left;
            int y0 = top + plotH;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            for (double v = 0; v <= yMax + 1e-9; v += step) {
                int y = y0 - (int) Math.round(plotH * v / yMax);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(x0, y, width - right, y);
                g.setColor(Color.DARK_GRAY);
                String label = String.format(Locale.ROOT, step < 1 ? "%.1f" : "%.0f", v);
                g.drawString(label, x0 - 6 - fm.stringWidth(label), y + 4);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f));
            g.drawLine(x0, y0, width - right, y0);
            g.drawLine(x0, y0, x0, top);
            g.drawString("%", x0 - 20, top - 8);

            int barW = Math.max(8, (groupWidth - 30) / Math.max(1, metrics.size()));
            for (int r = 0; r < rows.size(); r++) {
                MethodResult res = rows.get(r);
                int gx = x0 + 15 + r * groupWidth;
                for (int m = 0; m < metrics.size(); m++) {
                    int bx = gx + m * barW;
                    if (res.test() == null) {
                        continue;
                    }
                    double v = 100 * res.test().mean(metrics.get(m));
                    int h = (int) Math.round(plotH * v / yMax);
                    g.setColor(PALETTE[m % PALETTE.length]);
                    g.fillRect(bx, y0 - h, barW - 2, h);
                    g.setColor(Color.DARK_GRAY);
                    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
                    String label = String.format(Locale.ROOT, "%.1f", v);
                    g.drawString(label, bx + (barW - 2 - g.getFontMetrics().stringWidth(label)) / 2, y0 - h - 3);
                }
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                String name = res.error() == null ? res.method() : res.method() + " (failed)";
                int nw = g.getFontMetrics().stringWidth(name);
                g.drawString(name, gx + (barW * metrics.size() - nw) / 2, y0 + 16);
            }

            // Legend and the command line that produced the chart.
            int lx = left;
            int ly = y0 + 40;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int m = 0; m < metrics.size(); m++) {
                g.setColor(PALETTE[m % PALETTE.length]);
                g.fillRect(lx, ly - 9, 12, 10);
                g.setColor(Color.BLACK);
                g.drawString(metrics.get(m).name(), lx + 16, ly);
                lx += 30 + g.getFontMetrics().stringWidth(metrics.get(m).name());
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 10));
            String cmd = String.valueOf(report.stamp().getOrDefault("command", ""));
            int maxChars = Math.max(40, (width - 2 * left) / 6);
            int line = 0;
            for (int i = 0; i < cmd.length() && line < 3; i += maxChars, line++) {
                g.drawString(cmd.substring(i, Math.min(cmd.length(), i + maxChars)), left, ly + 22 + 13 * line);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double f : new double[] {1, 2, 5, 10}) {
            if (f * p >= raw) {
                return f * p;
            }
        }
        return 10 * p;
    }
}
