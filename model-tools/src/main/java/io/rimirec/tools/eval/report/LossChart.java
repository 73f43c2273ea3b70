package io.rimirec.tools.eval.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loss curves of a fit, one panel per trained part (train and validation loss per epoch), drawn with Java2D (headless)
 * into a PNG: {@code rimirec train}'s {@code report.png}.
 */
public final class LossChart {

    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);

    private LossChart() {}

    /**
     * @param parts per part name, its epochs as the trainers record them ({@code epoch}, {@code train_loss},
     *              {@code validation_loss}); parts without epochs are left out
     */
    public static void write(String title, Map<String, List<Map<String, Object>>> parts, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Map.Entry<String, List<Map<String, Object>>>> drawn = parts.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isEmpty())
            .toList();
        int panelW = 320;
        int panelH = 240;
        int width = Math.max(480, 40 + drawn.size() * (panelW + 30));
        int height = 70 + panelH + 60;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, 20, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(TRAIN);
            g.drawString("train loss", 20, 44);
            g.setColor(VALIDATION);
            g.drawString("validation loss", 100, 44);
            for (int p = 0; p < drawn.size(); p++) {
                panel(g, drawn.get(p).getKey(), drawn.get(p).getValue(), 50 + p * (panelW + 30), 70, panelW, panelH);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, String name, List<Map<String, Object>> epochs, int x0, int top, int w, int h) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> e : epochs) {
            for (String k : List.of("train_loss", "validation_loss")) {
                if (e.get(k) instanceof Number n) {
                    min = Math.min(min, n.doubleValue());
                    max = Math.max(max, n.doubleValue());
                }
            }
        }
        if (!(max > min)) {
            max = min + 1;
        }
        int y0 = top + h;
        g.setColor(Color.BLACK);
        g.drawString(name, x0, top - 6);
        g.drawLine(x0, y0, x0 + w, y0);
        g.drawLine(x0, top, x0, y0);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%.2f", max), x0 - 34, top + 10);
        g.drawString(String.format(Locale.ROOT, "%.2f", min), x0 - 34, y0);
        g.drawString("epoch 1", x0, y0 + 16);
        g.drawString(Integer.toString(epochs.size()), x0 + w - 12, y0 + 16);
        for (String k : List.of("train_loss", "validation_loss")) {
            g.setColor(k.equals("train_loss") ? TRAIN : VALIDATION);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < epochs.size(); i++) {
                if (!(epochs.get(i).get(k) instanceof Number n)) {
                    continue;
                }
                int x = x0 + (epochs.size() == 1 ? w / 2 : (int) Math.round((double) i * w / (epochs.size() - 1)));
                int y = y0 - (int) Math.round((n.doubleValue() - min) / (max - min) * (h - 10));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }
}
