package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rimirec.tools.data.SequenceDataset;
import io.rimirec.tools.data.catalogue.Catalogue;
import io.rimirec.tools.data.interactions.InteractionReader;
import io.rimirec.tools.eval.check.HeldOutCheck;
import io.rimirec.tools.eval.report.LossChart;
import io.rimirec.tools.opensearch.EventsIndexReader;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.train.interest.InterestConfig;
import io.rimirec.tools.train.pipeline.FitSettings;
import io.rimirec.tools.train.pipeline.TrainRun;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rimirec train}: a user's interactions (and optionally their items) to a model they can serve, with their own
 * ids, in one command. The work is {@link TrainRun}'s; this class reads the inputs, picks the defaults from the data
 * (saying why), runs the held-out check and writes the report.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train everything a rimirec model needs from your interactions (and optionally your items with their vectors): "
        + "item vectors when not given, the circle tree, the interest generator, the user tower and the codebook.",
        "Writes <out>/bundle.zip (upload it), <out>/items.jsonl (index it: your ids, the vectors the tree was built on, your fields) "
        + "and <out>/report.json + report.txt (the data, what was dropped and why, the defaults chosen, the losses, and a held-out "
        + "check against popularity and a single-vector k-NN)."})
public final class TrainCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--interactions", description = "interactions file (csv, tsv, jsonl, sequences.txt, ratings.dat, u.data; .gz allowed)")
    Path interactions;

    @Option(names = "--events-index", description = "or: an index of events in the cluster at --url (one document per interaction), read "
        + "through a point in time; the user, item and time fields are found in its mapping or named with --user-column and the like")
    String eventsIndex;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    InteractionOptions read = new InteractionOptions();

    @Option(names = "--items", description = "items file, JSON Lines: {\"id\": ..., \"vector\": [...] (optional), any other fields}; .gz allowed")
    Path items;

    @Option(names = "--item-vectors", defaultValue = "auto", description = "auto (given when the items file has a vector for at least 90%% of "
        + "the items users touched, learned otherwise), given, or learned (default: ${DEFAULT-VALUE})")
    String itemVectors;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "override one fit setting (repeatable), e.g. --set c=100 --set epochs=10, "
        + "or an interest model's with --hymirec: --set hymirec.epochs=5; the names are printed with the defaults")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--hymirec", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "also fit a HyMiRec interest model on the same item vectors and codebook and put it in the bundle, so the same index "
            + "also serves \"strategy\": \"hymirec\" and the serving choice can pick it (docs/hymirec.md). On by default: it was the best "
            + "way to serve on every data set measured; --no-hymirec skips it (a faster fit, circles only)")
    boolean hymirec;

    /** The prefix of --set names that go to the interest model. */
    static final String HYMIREC_SET = "hymirec.";

    @Option(names = "--validation-share", defaultValue = "0.1", description = "share of users whose last interactions are held out for "
        + "the check; they still train on their history (0 = no check) (default: ${DEFAULT-VALUE})")
    double validationShare;

    @Option(names = "--validation-max-users", defaultValue = "2000", description = "at most this many carved-out users, half of them to "
        + "choose the serving defaults on, half for the check (default: ${DEFAULT-VALUE})")
    int validationMaxUsers;

    @Option(names = "--beams", defaultValue = "4", description = "the beams the check's verdict is about when too few users were carved "
        + "out to choose the serving defaults on (default: ${DEFAULT-VALUE})")
    int beams;

    @Option(names = "--no-codebook", description = "do not train the codebook (histories are then always read as vectors)")
    boolean noCodebook;

    @Option(names = "--vector-field", defaultValue = "item_vector", description = "the item index's vector field, recorded in the bundle: "
        + "items setup maps it, the processor and the query read it (default: ${DEFAULT-VALUE})")
    String vectorField;

    @Option(names = "--name", description = "model name recorded in the bundle (default: the output folder's name)")
    String name;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the carve-out and every fit (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "threads for the tree and the codebook (default: the number of processors)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintStream log = System.err;
        long t0 = System.nanoTime();
        if ((interactions == null) == (eventsIndex == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --interactions <file> or --events-index <index> (one of them)");
        }
        InteractionReader.Result loaded;
        if (interactions != null) {
            loaded = InteractionReader.read(interactions, read.toOptions());
        } else {
            try (RestClient client = cluster.client()) {
                loaded = new EventsIndexReader(new JsonHttp(client), 5000).read(eventsIndex, read.toOptions(), ProgressBar.on(spec.commandLine().getErr()));
            }
        }
        SequenceDataset data = loaded.data();
        log.printf(Locale.ROOT, "interactions: %s (%.1f s)%n", data.summary(), (System.nanoTime() - t0) / 1e9);
        if (loaded.report().skippedLines() > 0) {
            log.printf(Locale.ROOT, "  skipped lines: %s%n", loaded.report().skippedByReason());
            loaded.report().examples().stream().limit(5).forEach(e -> log.println("    " + e));
        }
        Catalogue catalogue = items == null ? null : Catalogue.read(items, read.maxBadShare);
        if (catalogue != null) {
            log.printf(Locale.ROOT, "items: %d (%d with a vector of length %d) from %s%n", catalogue.items().size(), catalogue.itemsWithVector(),
                catalogue.dimension(), items);
        }
        boolean given = chooseGiven(data, catalogue, log);

        int[] lengths = new int[data.numUsers()];
        for (int u = 0; u < lengths.length; u++) {
            lengths[u] = data.sequence(u).length;
        }
        Arrays.sort(lengths);
        int catalogueSize = data.numItems() + (catalogue == null ? 0
            : (int) catalogue.items().keySet().stream().filter(id -> data.itemIndex(id) < 0).count());
        FitSettings.DataShape shape = new FitSettings.DataShape(data.numUsers(), catalogueSize, data.numInteractions(), lengths[lengths.length / 2],
            catalogue == null ? -1 : catalogue.dimension());
        FitSettings.Chosen chosen = FitSettings.forData(shape, given);
        FitSettings settings = chosen.settings();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!e.getKey().startsWith(HYMIREC_SET)) {
                settings = settings.with(e.getKey(), e.getValue());
            }
        }
        FitSettings.ChosenInterest chosenInterest = FitSettings.interestModelFor(shape, data.numUsers(), settings.dim());
        InterestConfig interest = chosenInterest.config();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getKey().startsWith(HYMIREC_SET)) {
                if (!hymirec) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--set " + e.getKey() + " sets the interest model, which "
                        + "--no-hymirec leaves out: drop --no-hymirec, or the setting");
                }
                interest = interest.with(e.getKey().substring(HYMIREC_SET.length()), e.getValue());
            }
        }
        log.println("settings (override any with --set NAME=VALUE):");
        Map<String, Object> all = settings.toMap();
        Map<String, String> why = new LinkedHashMap<>(chosen.reasons());
        if (hymirec) {
            interest.toMap().forEach((k, v) -> all.put(HYMIREC_SET + k, v));
            chosenInterest.reasons().forEach((k, v) -> why.put(HYMIREC_SET + k, v));
        }
        overrides.keySet().forEach(k -> why.put(k, "--set"));
        all.forEach((k, v) -> log.printf(Locale.ROOT, "  %-26s %-9s %s%n", k, v, why.getOrDefault(k, "")));

        Files.createDirectories(out);
        String modelName = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        TrainRun.Result fit = TrainRun.run(new TrainRun.Request(data, catalogue, settings, validationShare, validationMaxUsers, !noCodebook, modelName,
            vectorField, seed, nThreads, out, hymirec ? interest : null), log, ProgressBar.on(spec.commandLine().getErr()));

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "rimirec " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        report.put("interactions", loaded.report().toMap());
        report.put("data", data.summary());
        if (catalogue != null) {
            report.put("items_file", catalogue.report());
        }
        report.put("settings", all);
        report.put("settings_why", why);
        report.putAll(fit.report());
        HeldOutCheck.Result check = HeldOutCheck.run(fit, beams);
        if (check != null) {
            report.put("held_out_check", check.toMap());
        }
        JSON.writeValue(out.resolve("report.json").toFile(), report);
        LossChart.write("rimirec train: " + data.name() + " (loss per epoch, train and validation)", lossCurves(fit.report()),
            out.resolve("report.png"));
        String text = ReportText.of(report, check);
        Files.writeString(out.resolve("report.txt"), text);
        log.println();
        log.print(text);
        log.printf(Locale.ROOT, "%nnext:%n  rimirec model upload --url http://localhost:9200 --id %s %s%n  rimirec items setup --url http://localhost:9200 --model %s%n"
                + "  rimirec items index --url http://localhost:9200 --index items%s %s%n",
            modelName, fit.bundle(), modelName, vectorField.equals("item_vector") ? "" : " --vector-field " + vectorField, fit.items());
        return 0;
    }

    /** Each trained part's epochs, as the pipeline recorded them. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Map<String, Object>>> lossCurves(Map<String, Object> report) {
        Map<String, Object> fit = (Map<String, Object>) report.get("fit");
        Map<String, List<Map<String, Object>>> parts = new LinkedHashMap<>();
        if (fit.get("pretraining") instanceof Map<?, ?> pre) {
            parts.put("item vectors (pretraining)", (List<Map<String, Object>>) pre.get("epochs"));
        }
        parts.put("interest generator", (List<Map<String, Object>>) fit.get("generator_epochs"));
        if (fit.get("user_tower") instanceof Map<?, ?> tower) {
            parts.put("user tower", (List<Map<String, Object>>) tower.get("epochs"));
        }
        if (report.get("interest_model") instanceof Map<?, ?> interest) {
            parts.put("hymirec interest model", (List<Map<String, Object>>) interest.get("epochs"));
        }
        return parts;
    }

    private boolean chooseGiven(SequenceDataset data, Catalogue catalogue, PrintStream log) {
        String mode = itemVectors.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "learned":
                return false;
            case "given":
                if (catalogue == null || catalogue.dimension() < 0) {
                    throw new IllegalArgumentException("--item-vectors given needs --items with a \"vector\" per item" + (catalogue == null ? "" : "; "
                        + catalogue.source() + " has none"));
                }
                return true;
            case "auto":
                if (catalogue == null || catalogue.dimension() < 0) {
                    return false;
                }
                long touched = 0;
                long withVector = 0;
                for (int i = 0; i < data.numItems(); i++) {
                    touched++;
                    Catalogue.Item item = catalogue.item(data.itemId(i));
                    withVector += item != null && item.vector() != null ? 1 : 0;
                }
                boolean given = withVector >= 0.9 * touched;
                if (!given) {
                    log.printf(Locale.ROOT, "item vectors: learned, because only %d of the %d items users touched have a vector in %s "
                        + "(--item-vectors given uses them anyway and leaves the others out)%n", withVector, touched, catalogue.source());
                }
                return given;
            default:
                throw new IllegalArgumentException("--item-vectors must be auto, given or learned, got [" + itemVectors + "]");
        }
    }
}
