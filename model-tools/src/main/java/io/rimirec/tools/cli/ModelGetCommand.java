package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code rimirec model get}. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a stored model's metadata and manifest.")
public final class ModelGetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "<id>", description = "The model id.")
    String id;

    @Override
    public Integer call() throws Exception {
        try (RestClient client = cluster.client()) {
            ModelStoreClient store = new ModelStoreClient(new JsonHttp(client));
            spec.commandLine().getOut().println(ClusterOptions.pretty(store.get(id)));
        }
        return 0;
    }
}
