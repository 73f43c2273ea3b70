package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelRollout;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rimirec model rollout --alias items --id shop-v2 bundle.zip}: see {@link ModelRollout}. */
@Command(name = "rollout", mixinStandardHelpOptions = true, description = {
    "Serve a model with a new tree without a failed query: upload it as a new model id, copy the index behind <alias> into a "
        + "new index stamped by it (through a copy of its pipeline naming the new model), check every item was stamped, and swap "
        + "the alias in one step.",
    "Queries that leave out \"model\" follow the alias to the new model at once. Pause writes to the alias while it runs."})
public final class ModelRolloutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--alias", required = true, description = "The alias queries and writes use; it must point at one index.")
    String alias;

    @Option(names = "--id", required = true, description = "The new model's id (not the one serving now).")
    String id;

    @Option(names = "--index", description = "The new index (default: <alias>-<id>).")
    String index;

    @Option(names = "--pipeline", description = "The new pipeline (default: rimirec-<id>).")
    String pipeline;

    @Parameters(index = "0", paramLabel = "<bundle.zip>", description = "A bundle made by 'rimirec model pack'.")
    Path bundle;

    @Override
    public Integer call() throws Exception {
        CliSupport.existingFile(spec, "bundle", bundle);
        PrintWriter out = spec.commandLine().getOut();
        try (RestClient client = cluster.client()) {
            ModelRollout.Report report = new ModelRollout(new JsonHttp(client), out)
                .run(new ModelRollout.Options(alias, id, index, pipeline), Files.readAllBytes(bundle));
            out.println(ClusterOptions.pretty(report));
        }
        return 0;
    }
}
