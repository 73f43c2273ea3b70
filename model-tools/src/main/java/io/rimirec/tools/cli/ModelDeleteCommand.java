package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code rimirec model delete}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a stored model from the cluster.")
public final class ModelDeleteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "<id>", description = "The model id.")
    String id;

    @Option(names = "--force", description = "Delete even while an ingest pipeline names the model (its writes then fail "
        + "until the pipeline changes); without it the cluster refuses with 409 and names the pipelines.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        try (RestClient client = cluster.client()) {
            ModelStoreClient store = new ModelStoreClient(new JsonHttp(client));
            spec.commandLine().getOut().println(ClusterOptions.pretty(store.delete(id, force)));
        }
        return 0;
    }
}
