package io.rimirec.tools.cli;

import io.rimirec.tools.train.generator.GeneratorArtifact;
import io.rimirec.core.generate.InterestGenerator;
import io.rimirec.core.generate.LengthPolicy;
import io.rimirec.core.onnx.OnnxSessionFactory;
import io.rimirec.core.tree.CircleTree;
import io.rimirec.core.tree.TreeFormat;
import io.rimirec.tools.train.generator.GeneratorEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.rimirec.tools.train.generator.GeneratorEvaluation.pct;

/** {@code rimirec generator eval}: coverage of held-out items by the generated circles, against baselines (docs/generator.md). */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a trained generator on the test users of its data set.")
public final class GeneratorEvalCommand implements Callable<Integer> {

    @Mixin
    GeneratorDataOptions dataOptions = new GeneratorDataOptions();

    @Option(names = "--model", required = true, description = "the folder written by generator train (holds generator/ and tree.rtree)")
    Path model;

    @Option(names = "--beams", defaultValue = "1,2,4,6", split = ",", description = "beam widths (default: ${DEFAULT-VALUE})")
    List<Integer> beams;

    @Option(names = "--holdout", defaultValue = "10", description = "last items of each test user used as targets (default: ${DEFAULT-VALUE})")
    int holdout;

    @Option(names = "--length-policy", description = "override the manifest's length policy: raw, normalized, or alpha=A,bonus=B")
    String lengthPolicy;

    @Override
    public Integer call() throws Exception {
        GeneratorDataOptions.Loaded loaded = dataOptions.load();
        CircleTree tree = TreeFormat.read(model.resolve(GeneratorArtifact.TREE_FILE));
        if (!tree.contentHash().equals(loaded.data().tree().contentHash())) {
            throw new IllegalArgumentException("the data options rebuild tree " + loaded.data().tree().contentHash() + " but the model folder holds tree "
                + tree.contentHash() + ": pass the same --data options as at training");
        }
        LengthPolicy policy = lengthPolicy == null ? null : LengthPolicy.parse(lengthPolicy);
        try (InterestGenerator g = InterestGenerator.load(model.resolve(GeneratorArtifact.DIRECTORY), tree, new OnnxSessionFactory(OnnxSessionFactory.Options.cpu(1)), policy)) {
            System.out.printf(Locale.ROOT, "data: %s; %d test users; last %d items are targets; length policy %s%n",
                loaded.data().name(), loaded.testUsers().length, holdout, g.lengthPolicy());
            if (loaded.planted() != null) {
                System.out.println();
                System.out.println("| B | heavy sub-topic (depth 2) among beams | light topic (depth 1) among beams | both | heavy at any depth | light at any depth |");
                System.out.println("|---|---|---|---|---|---|");
                for (int b : beams) {
                    var r = GeneratorEvaluation.planted(loaded.planted(), g, loaded.testUsers(), holdout, b);
                    System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", b, pct(r.heavy()), pct(r.light()), pct(r.both()), pct(r.heavyAnyDepth()), pct(r.lightAnyDepth()));
                }
            }
            System.out.println();
            System.out.println("| B | method | next-" + holdout + " coverage | catalogue share | mean circle depth |");
            System.out.println("|---|---|---|---|---|");
            var data = loaded.data();
            var methods = new java.util.LinkedHashMap<String, GeneratorEvaluation.Method>();
            methods.put("generator", GeneratorEvaluation.generator(data, g));
            methods.put("popular circles", GeneratorEvaluation.popular(data, loaded.trainUsers()));
            methods.put("last-B-items circles", GeneratorEvaluation.recent(data));
            methods.put("user's most frequent circles", GeneratorEvaluation.frequent(data));
            for (int b : beams) {
                for (var e : methods.entrySet()) {
                    var r = GeneratorEvaluation.coverage(e.getKey(), e.getValue(), data, loaded.testUsers(), holdout, b);
                    System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %.2f |%n", b, r.method(), pct(r.coverage()), pct(r.catalogueShare()), r.meanDepth());
                }
            }
        }
        return 0;
    }
}
