package io.rimirec.tools.cli;

import io.rimirec.core.util.ProgressListener;
import io.rimirec.tools.data.VectorJsonlWriter;
import io.rimirec.tools.data.synthetic.SyntheticCatalogue;
import io.rimirec.tools.data.synthetic.SyntheticOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rimirec data synthetic}: a seeded catalogue with a planted topic / sub-topic hierarchy, as item JSONL. */
@Command(
    name = "synthetic",
    mixinStandardHelpOptions = true,
    description = "Write a synthetic item catalogue with a planted hierarchy: T topics x S sub-topics; "
        + "item vector = normalise(topic direction + sub-topic offset + noise). Each line also carries "
        + "the planted \"topic\" and \"subtopic\" (index within the topic)."
)
public final class DataSyntheticCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--items", required = true, description = "Number of items, >= 1.")
    int items;

    @Option(names = "--dim", defaultValue = "64", description = "Vector dimension, >= 2 (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--topics", defaultValue = "20", description = "Top-level topics (default: ${DEFAULT-VALUE}).")
    int topics;

    @Option(names = "--subtopics", defaultValue = "8", description = "Sub-topics per topic (default: ${DEFAULT-VALUE}).")
    int subtopics;

    @Option(names = "--subtopic-scale", defaultValue = "0.6", description = "Length of a sub-topic's offset from its topic direction (default: ${DEFAULT-VALUE}).")
    double subtopicScale;

    @Option(names = "--noise", defaultValue = "0.35", description = "Expected length of each item's noise (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--topic-skew", defaultValue = "0", description = "Topic popularity ~ 1/(rank+1)^skew; 0 = uniform (default: ${DEFAULT-VALUE}).")
    double topicSkew;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", required = true, paramLabel = "<items.jsonl>", description = "Where to write the items.")
    Path output;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        SyntheticOptions options;
        try {
            options = new SyntheticOptions(items, dim, topics, subtopics, subtopicScale, noise, topicSkew, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        float[][] directions = SyntheticCatalogue.directions(options);
        ProgressListener progress = noProgress ? ProgressListener.NONE : ProgressBar.on(spec.commandLine().getErr());
        long t0 = System.nanoTime();
        progress.start("writing synthetic items", items);
        try (VectorJsonlWriter writer = new VectorJsonlWriter(output)) {
            Map<String, Object> extra = new LinkedHashMap<>();
            for (int i = 0; i < items; i++) {
                SyntheticCatalogue.Item item = SyntheticCatalogue.item(options, directions, i);
                extra.put("topic", item.topic());
                extra.put("subtopic", item.subtopic());
                writer.write(SyntheticCatalogue.id(i), item.vector(), extra);
                if ((i & 1023) == 1023) {
                    progress.advance(1024);
                }
            }
            progress.advance(items & 1023);
        } finally {
            progress.finish();
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %,d items (dimension %d, %d topics x %d sub-topics, seed %d) to %s in %s%n",
            items, dim, topics, subtopics, seed, output, CliSupport.seconds(System.nanoTime() - t0));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
