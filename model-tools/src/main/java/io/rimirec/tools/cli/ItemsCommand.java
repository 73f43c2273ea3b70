package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.BulkIndexer;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.ItemIndexer;
import io.rimirec.tools.opensearch.JsonHttp;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rimirec items ...}: put a catalogue into a cluster. */
@Command(name = "items", mixinStandardHelpOptions = true, description = "Put your catalogue into a cluster.",
    subcommands = {ItemsCommand.Setup.class, ItemsCommand.Index.class})
public final class ItemsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code rimirec items setup --model shop}: the templates and pipeline of index-templates/, fitted to a stored model. */
    @Command(name = "setup", mixinStandardHelpOptions = true, description = "Install index-templates/ for a stored model: the "
        + "vector field gets its dimension and the space type of its metric, the pipeline names it; indexes named items or "
        + "items-* then stamp their items by it. No JSON to edit.")
    static final class Setup implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Option(names = "--model", required = true, description = "The id of an uploaded model.")
        String model;

        @Option(names = "--print", description = "Print the three requests (fitted to the model) instead of sending them, to review or "
            + "install by other means.")
        boolean print;

        @Override
        public Integer call() throws Exception {
            try (RestClient client = cluster.client()) {
                JsonHttp http = new JsonHttp(client);
                spec.commandLine().getOut().println(print ? IndexTemplates.fitFor(http, model).asRequests() : IndexTemplates.installFor(http, model));
            }
            return 0;
        }
    }

    /** {@code rimirec items index --index items items.jsonl}. */
    @Command(name = "index", mixinStandardHelpOptions = true, description = {
        "Index a JSON Lines file of items ({\"id\": ..., \"vector\": [...], any other fields}; .gz read as gzip) through the "
            + "index's default pipeline, which stamps every item's circles. The id becomes the document _id and item_id, the "
            + "vector goes to --vector-field, other fields are indexed as they are.",
        "Bad lines and items the pipeline refuses fail alone and are listed; the exit code is 1 when any failed."})
    static final class Index implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Option(names = "--index", required = true, description = "The item index (or alias), e.g. one the index template covers.")
        String index;

        @Option(names = "--vector-field", defaultValue = "item_vector", description = "Where the vector goes (default: ${DEFAULT-VALUE}).")
        String vectorField;

        @Option(names = "--batch", defaultValue = "1000", description = "Items per bulk request (default: ${DEFAULT-VALUE}).")
        int batch;

        @Parameters(index = "0", paramLabel = "<items.jsonl>")
        Path file;

        @Override
        public Integer call() throws Exception {
            CliSupport.existingFile(spec, "items", file);
            CliSupport.atLeast(spec, "--batch", batch, 1);
            PrintWriter out = spec.commandLine().getOut();
            try (RestClient client = cluster.client()) {
                ItemIndexer.Result r = new ItemIndexer(new JsonHttp(client), index, vectorField, batch).index(file);
                out.printf(Locale.ROOT, "indexed %,d of %,d items into [%s] in %.1f s (%,.0f items/s); %,d failed%n", r.indexed(),
                    r.read(), index, r.seconds(), r.indexed() / Math.max(1e-9, r.seconds()), r.failures().size());
                for (BulkIndexer.Failure f : r.failures().subList(0, Math.min(10, r.failures().size()))) {
                    out.printf(Locale.ROOT, "  %s: %s%n", f.id(), f.reason());
                }
                if (r.failures().size() > 10) {
                    out.printf(Locale.ROOT, "  ... and %,d more%n", r.failures().size() - 10);
                }
                return r.failures().isEmpty() ? 0 : 1;
            }
        }
    }
}
