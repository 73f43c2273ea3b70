package io.rimirec.tools.cli;

import io.rimirec.tools.data.VectorJsonlWriter;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;
import io.rimirec.tools.data.synthetic.SyntheticUsers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/**
 * {@code rimirec data interactions}: a synthetic data set in the files a user brings — {@code interactions.csv.gz}
 * ({@code user_id,item_id,timestamp}) and {@code items.jsonl.gz} (id, vector, topic fields) — with planted multi-interest
 * structure (each user: a heavy sub-topic and a light other topic, {@link SyntheticUsers}), skewed topic popularity and
 * sequence lengths drawn around a mean, written as it is generated so a million users need no memory.
 */
@Command(name = "interactions", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write a synthetic interactions.csv.gz + items.jsonl.gz with planted interests, in the formats rimirec train reads.")
public final class DataInteractionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--users", defaultValue = "10000", description = "users (default: ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--items", defaultValue = "5000", description = "items (default: ${DEFAULT-VALUE})")
    int items;

    @Option(names = "--mean-length", defaultValue = "20", description = "mean interactions per user; lengths are 2 + an exponential draw, "
        + "at most 1,000 (default: ${DEFAULT-VALUE})")
    double meanLength;

    @Option(names = "--dim", defaultValue = "32", description = "item vector dimension (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--topics", defaultValue = "20", description = "(default: ${DEFAULT-VALUE})")
    int topics;

    @Option(names = "--subtopics", defaultValue = "8", description = "per topic (default: ${DEFAULT-VALUE})")
    int subtopics;

    @Option(names = "--topic-skew", defaultValue = "1", description = "topic popularity ~ 1/(rank+1)^skew (default: ${DEFAULT-VALUE})")
    double topicSkew;

    @Option(names = "--heavy-share", defaultValue = "0.7", description = "share of a user's events in the heavy sub-topic (default: ${DEFAULT-VALUE})")
    double heavyShare;

    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (users < 1 || meanLength < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--users must be >= 1 and --mean-length >= 2");
        }
        SyntheticOptions options;
        try {
            options = new SyntheticOptions(items, dim, topics, subtopics, 0.6, 0.35, topicSkew, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        long t0 = System.nanoTime();
        Files.createDirectories(out);
        SyntheticCatalogue catalogue = SyntheticCatalogue.generate(options);
        try (OutputStream raw = new GZIPOutputStream(Files.newOutputStream(out.resolve("items.jsonl.gz")), 1 << 16);
             VectorJsonlWriter writer = new VectorJsonlWriter(raw)) {
            Map<String, Object> extra = new LinkedHashMap<>();
            for (int i = 0; i < items; i++) {
                extra.put("topic", catalogue.topic(i));
                extra.put("subtopic", catalogue.topic(i) + "/" + catalogue.subtopic(i));
                writer.write(SyntheticCatalogue.id(i), catalogue.vector(i), extra);
            }
        }
        long interactions = 0;
        SyntheticUsers.Stream stream = new SyntheticUsers.Stream(catalogue, heavyShare, seed + 1);
        SplittableRandom lengths = new SplittableRandom(seed + 2);
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(out.resolve("interactions.csv.gz")),
            1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            w.write("user_id,item_id,timestamp\n");
            long time = 1_700_000_000L;
            for (int u = 0; u < users; u++) {
                int length = (int) Math.min(1000, 2 + Math.floor(-Math.log(1 - lengths.nextDouble()) * (meanLength - 2)));
                SyntheticUsers.User user = stream.next(length);
                for (int item : user.history()) {
                    w.write(user.id());
                    w.write(',');
                    w.write(SyntheticCatalogue.id(item));
                    w.write(',');
                    w.write(Long.toString(time++));
                    w.write('\n');
                }
                interactions += length;
            }
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %,d users, %,d interactions (mean %.1f per user) and %,d items (dimension %d) to %s in %s%n",
            users, interactions, (double) interactions / users, items, dim, out, CliSupport.seconds(System.nanoTime() - t0));
        return 0;
    }
}
