package io.rimirec.tools.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** What every reader of a user's files shares: gzip by name, and the one policy for bad records. */
public final class TextFiles {

    private TextFiles() {}

    /** A buffered reader of the file, gunzipped when its name ends in {@code .gz}; the caller closes it. */
    public static BufferedReader open(Path file, Charset charset) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new BufferedReader(new InputStreamReader(in, charset), 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Stops reading when more than {@code maxShare} of the records read so far are bad: then the format or the columns
     * are wrong, not a few records. The message names the source, the share, the reasons, the first bad records and the
     * option that allows more.
     */
    public static void checkBadShare(String source, long bad, long read, double maxShare, Map<String, Long> reasons, List<String> examples) {
        if (bad > 0 && bad > maxShare * read) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s: %d of the first %d records are bad (more than the %.1f%% allowed; raise it with --max-bad-share): %s; first: %s",
                source, bad, read, 100 * maxShare, reasons, examples));
        }
    }
}
